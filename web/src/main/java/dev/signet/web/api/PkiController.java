package dev.signet.web.api;

import dev.signet.ca.CaInfo;
import dev.signet.ca.CertificateAuthorities;
import dev.signet.web.http.ApiException;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;

/**
 * Public PKI endpoints, no credentials: {@code GET /ca/{caId}.crt} is the CA certificate in DER
 * ({@code application/pkix-cert}, RFC 5280 4.2.2.1), the URL written into issued certificates'
 * AIA caIssuers.
 */
public final class PkiController {

    private final CertificateAuthorities authorities;

    public PkiController(CertificateAuthorities authorities) {
        this.authorities = authorities;
    }

    public void caCertificate(Context ctx) {
        String file = ctx.pathParam("file");
        if (!file.endsWith(".crt")) {
            throw ApiException.notFound("no resource at " + ctx.path());
        }
        CaInfo ca = authorities.get(file.substring(0, file.length() - ".crt".length()));
        if (ca.certificatePem() == null) {
            throw ApiException.notFound("CA '" + ca.id() + "' has no certificate yet");
        }
        ctx.contentType("application/pkix-cert").result(der(ca.certificatePem()));
    }

    /** The DER of the first certificate in {@code pem}. */
    static byte[] der(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored certificate does not parse", e);
        }
    }
}
