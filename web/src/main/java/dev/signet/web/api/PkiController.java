package dev.signet.web.api;

import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CaStore;
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

    private final CaStore cas;

    public PkiController(CaStore cas) {
        this.cas = cas;
    }

    public void caCertificate(Context ctx) {
        String file = ctx.pathParam("file");
        if (!file.endsWith(".crt")) {
            throw ApiException.notFound("no resource at " + ctx.path());
        }
        String id = file.substring(0, file.length() - ".crt".length());
        CaRecord ca = CaController.find(cas, id);
        if (ca.certificatePem() == null) {
            throw ApiException.notFound("CA '" + id + "' has no certificate yet");
        }
        ctx.contentType("application/pkix-cert").result(der(ca.certificatePem()));
    }

    static byte[] der(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored CA certificate does not parse", e);
        }
    }
}
