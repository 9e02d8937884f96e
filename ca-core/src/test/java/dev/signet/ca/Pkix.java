package dev.signet.ca;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The JDK's own PKIX validator (RFC 5280 path validation), with the root as the only trust anchor. */
final class Pkix {

    private Pkix() {
    }

    static X509Certificate x509(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Validates leaf -> intermediates -> root; throws with the JDK's reason if the path is invalid. */
    static void validate(String rootPem, List<String> pathPems) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> path = new ArrayList<>();
        for (String pem : pathPems) {
            path.add(x509(pem));
        }
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(x509(rootPem), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
    }
}
