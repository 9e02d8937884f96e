package dev.signet.signing.pades;

import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.signing.SigningIdentity;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * How many bytes to reserve for /Contents: the CMS's parts added up (certificates, signature,
 * attributes, the time-stamp token as the TSA last sized it) plus a margin for what varies
 * between tokens (DER integer lengths, nonces, fractions of seconds). Never too small, and not the
 * fixed 10-30 KB other tools reserve.
 */
final class ContentsSize {

    /** SignedData, SignerInfo and the three signed attributes, without certificates or signature. */
    private static final int CMS_OVERHEAD = 512;
    private static final int MARGIN = 256;

    private ContentsSize() {
    }

    static int forSignature(SigningIdentity identity, SignatureAlgorithm algorithm, Timestamps timestamps) {
        int size = CMS_OVERHEAD + maxSignatureLength(identity.certificate(), algorithm);
        for (X509Certificate c : identity.chain()) {
            size += SignatureStep.der(c).length;
        }
        if (timestamps != null) {
            size += withSlack(timestamps.expectedTokenSize());
        }
        return size + MARGIN;
    }

    static int forDocumentTimestamp(Timestamps timestamps) {
        return withSlack(timestamps.expectedTokenSize()) + MARGIN;
    }

    private static int withSlack(int tokenSize) {
        return tokenSize + tokenSize / 10 + 64;
    }

    private static int maxSignatureLength(X509Certificate cert, SignatureAlgorithm algorithm) {
        if (cert.getPublicKey() instanceof RSAPublicKey rsa) {
            return (rsa.getModulus().bitLength() + 7) / 8;
        }
        if (cert.getPublicKey() instanceof ECPublicKey ec) {
            int field = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            return 2 * field + 9; // DER SEQUENCE of two INTEGERs, each possibly one byte longer
        }
        return 64; // Ed25519
    }
}
