package dev.signet.hsm;

/**
 * Everything that can go wrong at the key boundary. Each subtype is a distinct, documented
 * failure a caller may want to handle; messages name the key label and never carry secrets.
 */
public class HsmException extends RuntimeException {

    public HsmException(String message) {
        super(message);
    }

    public HsmException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No key with that label exists in the backend. */
    public static final class KeyNotFound extends HsmException {
        public KeyNotFound(String label) {
            super("no key labelled '" + label + "'");
        }
    }

    /** A key with that label exists already; labels are unique per backend. */
    public static final class DuplicateLabel extends HsmException {
        public DuplicateLabel(String label) {
            super("a key labelled '" + label + "' exists already");
        }
    }

    /** The key's policy does not allow the requested operation. */
    public static final class OperationNotPermitted extends HsmException {
        public OperationNotPermitted(String label, KeyOperation op) {
            super("key '" + label + "' does not allow " + op);
        }
    }

    /** The key's purpose does not permit this use (an OCSP key asked to sign a certificate, ...). */
    public static final class PurposeMismatch extends HsmException {
        public PurposeMismatch(String label, KeyPurpose purpose, String use) {
            super(purpose == null
                    ? "key '" + label + "' has no purpose yet (made before key purposes; the upgrade assigns one) and may not be used for " + use
                    : "key '" + label + "' has purpose " + purpose + " and may not be used for " + use);
            this.label = label;
            this.purpose = purpose;
            this.use = use;
        }

        private final String label;
        private final KeyPurpose purpose;
        private final String use;

        public String label() {
            return label;
        }

        /** The key's stored purpose (null for a key not yet upgraded). */
        public KeyPurpose purpose() {
            return purpose;
        }

        /** What was refused: a {@link SignedObject} name, or a purpose asked for. */
        public String use() {
            return use;
        }
    }

    /**
     * A handle this backend did not make (from another backend or process). Handles come only from
     * the backend that holds the key.
     */
    public static final class ForeignHandle extends HsmException {
        public ForeignHandle(String label, String backend) {
            super("the handle for key '" + label + "' was not issued by this " + backend + " backend");
        }
    }

    /** The algorithm does not fit the key (ECDSA with an RSA key, AES-GCM with an EC key, ...). */
    public static final class AlgorithmMismatch extends HsmException {
        public AlgorithmMismatch(String message) {
            super(message);
        }
    }

    /** The backend cannot perform this operation at all (e.g. Ed25519 over a precomputed digest). */
    public static final class Unsupported extends HsmException {
        public Unsupported(String message) {
            super(message);
        }
    }

    /**
     * Stored key material failed its integrity check: wrong passphrase, a tampered or truncated
     * file. Never returns garbage in place of a key.
     */
    public static final class KeyIntegrity extends HsmException {
        public KeyIntegrity(String label, String why) {
            super("key '" + label + "' cannot be opened: " + why);
        }
    }

    /** Ciphertext failed authentication on decrypt (wrong key, wrong associated data, tampering). */
    public static final class DecryptionFailed extends HsmException {
        public DecryptionFailed(String label) {
            super("decryption with key '" + label + "' failed: ciphertext or associated data is not authentic");
        }
    }

    /** The backend itself failed (library not loadable, token missing, login refused, I/O). */
    public static final class BackendFailure extends HsmException {
        public BackendFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
