package dev.signet.hsm;

/**
 * The kinds of object the boundary signs. Every signature request names one, so that the backend
 * can check it against the key's {@link KeyPurpose} before it touches the key.
 */
public enum SignedObject {
    CERTIFICATE,
    CRL,
    OCSP_RESPONSE,
    TIMESTAMP_TOKEN,
    DOCUMENT_SIGNATURE,
    AUDIT_CHECKPOINT,
    /** A PKCS#10 request by a CA key for its certificate from a parent outside Signet (proof of possession). */
    CERTIFICATE_REQUEST
}
