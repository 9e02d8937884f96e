package dev.signet.ca.lint;

import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Each key purpose is consistent with keyUsage: the certificate MUST be used only for a purpose
 * consistent with both extensions, so a purpose whose bits are all missing makes it unusable.
 * The bit sets are those 4.2.1.12 lists for each purpose.
 */
final class EkuConsistentWithKeyUsage extends BaseRule {

    private static final Map<KeyPurposeId, Integer> NEEDS_ONE_OF = Map.of(
            KeyPurposeId.id_kp_serverAuth, KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement,
            KeyPurposeId.id_kp_clientAuth, KeyUsage.digitalSignature | KeyUsage.keyAgreement,
            KeyPurposeId.id_kp_codeSigning, KeyUsage.digitalSignature,
            KeyPurposeId.id_kp_emailProtection,
            KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyEncipherment | KeyUsage.keyAgreement,
            KeyPurposeId.id_kp_timeStamping, KeyUsage.digitalSignature | KeyUsage.nonRepudiation,
            KeyPurposeId.id_kp_OCSPSigning, KeyUsage.digitalSignature | KeyUsage.nonRepudiation);

    EkuConsistentWithKeyUsage() {
        super("eku-consistent-with-key-usage", "RFC 5280 4.2.1.12");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.extendedKeyUsage);
        KeyUsage ku = t.keyUsage();
        if (e == null || ku == null) {
            return ok();
        }
        int bits = bitsOf(ku);
        for (KeyPurposeId p : ExtendedKeyUsage.getInstance(e.getParsedValue()).getUsages()) {
            Integer needs = NEEDS_ONE_OF.get(p);
            if (needs != null && (bits & needs) == 0) {
                return fail("purpose " + p.getId() + " needs one of its key usage bits");
            }
        }
        return ok();
    }

    private static int bitsOf(KeyUsage ku) {
        byte[] b = ku.getBytes();
        int v = 0;
        if (b.length > 0) {
            v = b[0] & 0xff;
        }
        if (b.length > 1) {
            v |= (b[1] & 0xff) << 8;
        }
        return v;
    }
}
