package dev.signet.ca.lint;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.PolicyInformation;

/** A certificate policy OID MUST NOT appear more than once in certificatePolicies. */
final class CertificatePoliciesUnique extends BaseRule {
    CertificatePoliciesUnique() {
        super("certificate-policies-unique", "RFC 5280 4.2.1.4");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        Extension e = t.extension(Extension.certificatePolicies);
        if (e == null) {
            return ok();
        }
        Set<ASN1ObjectIdentifier> seen = new HashSet<>();
        for (PolicyInformation p : CertificatePolicies.getInstance(e.getParsedValue()).getPolicyInformation()) {
            if (!seen.add(p.getPolicyIdentifier())) {
                return fail("policy " + p.getPolicyIdentifier() + " appears more than once");
            }
        }
        return ok();
    }
}
