package dev.signet.hsm;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a key exists for, fixed when it is generated and kept by the backend with the key. A key
 * signs only the kinds of object its purpose permits; the boundary refuses every other use with
 * {@link HsmException.PurposeMismatch}.
 */
public enum KeyPurpose {
    /**
     * One CA's certificates and CRLs (and, as an option, its own OCSP responses), and the request
     * for its own certificate when its parent is outside Signet.
     */
    CA(EnumSet.of(SignedObject.CERTIFICATE, SignedObject.CRL, SignedObject.OCSP_RESPONSE, SignedObject.CERTIFICATE_REQUEST)),
    /** A delegated OCSP responder. */
    OCSP(EnumSet.of(SignedObject.OCSP_RESPONSE)),
    /** A time-stamp authority (RFC 3161 tokens). */
    TIMESTAMPING(EnumSet.of(SignedObject.TIMESTAMP_TOKEN)),
    /** A signer identity: document signatures (PAdES, CAdES). */
    DOCUMENT(EnumSet.of(SignedObject.DOCUMENT_SIGNATURE)),
    /** The audit chain's checkpoints. */
    AUDIT(EnumSet.of(SignedObject.AUDIT_CHECKPOINT)),
    /** AES keys that encrypt, decrypt and wrap data; they sign nothing. */
    DATA_ENCRYPTION(EnumSet.noneOf(SignedObject.class));

    private final Set<SignedObject> signs;

    KeyPurpose(Set<SignedObject> signs) {
        this.signs = signs;
    }

    /** Whether a key of this purpose may sign {@code what}. */
    public boolean permits(SignedObject what) {
        return signs.contains(what);
    }

    /** Whether keys of this purpose are symmetric (AES) rather than signing keys. */
    public boolean isSymmetric() {
        return this == DATA_ENCRYPTION;
    }

    /** The operations a key of this purpose allows (what its PKCS#11 flags say). */
    public KeyPolicy policy() {
        return isSymmetric() ? KeyPolicy.sealing() : KeyPolicy.signOnly();
    }

    /** @throws HsmException.AlgorithmMismatch if keys of this purpose cannot have {@code algorithm} */
    public void checkFits(KeyAlgorithm algorithm) {
        if (algorithm.isSymmetric() != isSymmetric()) {
            throw new HsmException.AlgorithmMismatch(isSymmetric()
                    ? this + " keys are AES keys, not " + algorithm
                    : this + " keys sign, which a " + algorithm + " key cannot");
        }
    }

    /** Parses a purpose name as {@link #name()} writes it. */
    public static KeyPurpose parse(String name) {
        for (KeyPurpose p : values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown key purpose '" + name + "'");
    }
}
