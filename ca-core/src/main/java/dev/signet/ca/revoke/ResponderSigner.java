package dev.signet.ca.revoke;

import dev.signet.hsm.ScopedSigner;
import java.time.Instant;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.RespID;

/**
 * What signs a CA's OCSP responses: a delegated responder (its key of purpose OCSP and its
 * certificate, sent with each response) or the CA key itself ({@code certificate} null).
 */
public record ResponderSigner(ScopedSigner signer, X509CertificateHolder certificate, RespID respId, String serialHex,
        Instant notAfter) {

    public X509CertificateHolder[] chain() {
        return certificate == null ? new X509CertificateHolder[0] : new X509CertificateHolder[] {certificate};
    }
}
