package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Reads a PKCS#10 CSR given as PEM or DER, defensively: size-limited, garbage is a typed error. */
public final class CsrParser {

    /** Far above any real CSR (an RSA-4096 CSR with many SANs is a few KiB). */
    public static final int MAX_BYTES = 64 * 1024;

    private CsrParser() {
    }

    public static PKCS10CertificationRequest parse(byte[] input) {
        if (input == null || input.length == 0) {
            throw CaException.badRequest("csr-missing", "no CSR given");
        }
        if (input.length > MAX_BYTES) {
            throw CaException.badRequest("csr-too-large", "the CSR is larger than " + MAX_BYTES + " bytes");
        }
        byte[] der = input;
        if (Pem.looksLikePem(input)) {
            List<byte[]> blocks;
            try {
                blocks = Pem.decodeAll(new String(input, StandardCharsets.US_ASCII),
                        "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
            } catch (IllegalArgumentException e) {
                throw CaException.badRequest("csr-unparseable", "the CSR PEM is not valid base64");
            }
            if (blocks.size() != 1) {
                throw CaException.badRequest("csr-unparseable",
                        "expected one CERTIFICATE REQUEST PEM block, found " + blocks.size());
            }
            der = blocks.get(0);
        }
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(der);
            if (!(p instanceof ASN1Sequence)) {
                throw new IllegalArgumentException("not a sequence");
            }
            // fromByteArray refuses trailing data after the structure.
            CertificationRequest cr = CertificationRequest.getInstance(p);
            if (cr.getCertificationRequestInfo() == null || cr.getSignatureAlgorithm() == null
                    || cr.getSignature() == null) {
                throw new IllegalArgumentException("incomplete");
            }
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(cr);
            csr.getSubjectPublicKeyInfo().getAlgorithm(); // fails on a structure missing its key
            return csr;
        } catch (java.io.IOException | RuntimeException e) {
            throw CaException.badRequest("csr-unparseable", "the CSR is not a PKCS#10 structure");
        }
    }
}
