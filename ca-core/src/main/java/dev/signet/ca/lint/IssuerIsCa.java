package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;

/** The issuer must be a CA: basicConstraints cA true and, with keyUsage, keyCertSign asserted. */
final class IssuerIsCa extends BaseRule {
    IssuerIsCa() {
        super("issuer-is-ca", "RFC 5280 6.1.4 (k), (n)");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Certificate issuer = t.issuerCertificate();
        if (issuer == null) {
            return ok();
        }
        Extensions exts = issuer.getTBSCertificate().getExtensions();
        BasicConstraints bc = exts == null ? null : BasicConstraints.fromExtensions(exts);
        if (bc == null || !bc.isCA()) {
            return fail("issuer '" + issuer.getSubject() + "' is not a CA certificate");
        }
        KeyUsage ku = exts.getExtension(Extension.keyUsage) == null ? null : KeyUsage.fromExtensions(exts);
        if (ku != null && !ku.hasUsages(KeyUsage.keyCertSign)) {
            return fail("issuer '" + issuer.getSubject() + "' may not sign certificates (no keyCertSign)");
        }
        return ok();
    }
}
