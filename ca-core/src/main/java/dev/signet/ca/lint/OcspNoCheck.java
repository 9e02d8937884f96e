package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * id-pkix-ocsp-nocheck belongs only in an OCSP responder certificate (one with id-kp-OCSPSigning),
 * and its value is NULL.
 */
final class OcspNoCheck extends BaseRule {
    OcspNoCheck() {
        super("ocsp-nocheck", "RFC 6960 4.2.2.2.1");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck);
        if (e == null) {
            return ok();
        }
        if (!DERNull.INSTANCE.equals(e.getParsedValue())) {
            return fail("ocsp-nocheck value must be NULL");
        }
        Extension eku = t.extension(Extension.extendedKeyUsage);
        if (eku == null || !ExtendedKeyUsage.getInstance(eku.getParsedValue()).hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)) {
            return fail("ocsp-nocheck without the OCSPSigning purpose");
        }
        return ok();
    }
}
