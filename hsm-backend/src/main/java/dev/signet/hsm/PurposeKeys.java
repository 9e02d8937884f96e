package dev.signet.hsm;

import java.security.PublicKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.operator.ContentSigner;

/**
 * The purpose-scoped views over an {@link Hsm}: {@link SigningKeys}, {@link EncryptionKeys} and
 * {@link ScopedSigner}. They add no enforcement of their own that the backend lacks: each operation
 * goes to the backend's purpose-checked operations, and the backend compares what is signed with the
 * purpose it stores with the key. The views check early too, so that a mismatch is refused before
 * any content is hashed, and so that {@link SigningKeys#find} never hands out a key of another purpose.
 */
final class PurposeKeys {

    private PurposeKeys() {
    }

    static SigningKeys signing(Hsm hsm, KeyPurpose purpose) {
        Objects.requireNonNull(purpose, "purpose");
        if (purpose.isSymmetric()) {
            throw new IllegalArgumentException(purpose + " keys do not sign");
        }
        return new SigningKeys() {
            @Override
            public KeyPurpose purpose() {
                return purpose;
            }

            @Override
            public String backendName() {
                return hsm.backendName();
            }

            @Override
            public ScopedSigner generate(String label, KeyAlgorithm algorithm) {
                return new Signer(hsm, hsm.generate(label, algorithm, purpose));
            }

            @Override
            public Optional<ScopedSigner> find(String label) {
                return hsm.find(label).map(k -> new Signer(hsm, ofPurpose(k, purpose)));
            }

            @Override
            public List<KeyInfo> list() {
                return hsm.list().stream().filter(k -> k.purpose() == purpose).toList();
            }

            @Override
            public void destroy(String label) {
                hsm.destroy(ofPurpose(hsm.get(label), purpose));
            }

            @Override
            public String toString() {
                return "SigningKeys[" + purpose + ", " + hsm.backendName() + "]";
            }
        };
    }

    static EncryptionKeys encryption(Hsm hsm) {
        return new EncryptionKeys() {
            @Override
            public DataCipher generate(String label) {
                return cipher(hsm, hsm.generate(label, KeyAlgorithm.AES_256, KeyPurpose.DATA_ENCRYPTION));
            }

            @Override
            public Optional<DataCipher> find(String label) {
                return hsm.find(label).map(k -> cipher(hsm, ofPurpose(k, KeyPurpose.DATA_ENCRYPTION)));
            }

            @Override
            public List<KeyInfo> list() {
                return hsm.list().stream().filter(k -> k.purpose() == KeyPurpose.DATA_ENCRYPTION).toList();
            }

            @Override
            public void destroy(String label) {
                hsm.destroy(ofPurpose(hsm.get(label), KeyPurpose.DATA_ENCRYPTION));
            }
        };
    }

    static ScopedSigner signer(Hsm hsm, KeyHandle key) {
        Objects.requireNonNull(key, "key");
        if (key.purpose() == null || key.purpose().isSymmetric()) {
            throw new HsmException.PurposeMismatch(key.label(), key.purpose(), "signing");
        }
        return new Signer(hsm, key);
    }

    private static KeyHandle ofPurpose(KeyHandle key, KeyPurpose purpose) {
        if (key.purpose() != purpose) {
            throw new HsmException.PurposeMismatch(key.label(), key.purpose(), "a " + purpose + " key");
        }
        return key;
    }

    private static DataCipher cipher(Hsm hsm, KeyHandle key) {
        return new DataCipher() {
            @Override
            public String keyLabel() {
                return key.label();
            }

            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
                return hsm.encrypt(key, plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] sealed, byte[] associatedData) {
                return hsm.decrypt(key, sealed, associatedData);
            }

            @Override
            public String toString() {
                return "DataCipher[" + key.label() + "]";
            }
        };
    }

    private static final class Signer implements ScopedSigner {
        private final Hsm hsm;
        private final KeyHandle key;
        private volatile PublicKey publicKey;

        Signer(Hsm hsm, KeyHandle key) {
            this.hsm = hsm;
            this.key = key;
        }

        private void check(SignedObject what) {
            Objects.requireNonNull(what, "what");
            if (!key.purpose().permits(what)) {
                throw new HsmException.PurposeMismatch(key.label(), key.purpose(), what.name());
            }
        }

        @Override
        public KeyPurpose purpose() {
            return key.purpose();
        }

        @Override
        public String keyLabel() {
            return key.label();
        }

        @Override
        public KeyAlgorithm keyAlgorithm() {
            return key.algorithm();
        }

        @Override
        public PublicKey publicKey() {
            PublicKey pk = publicKey;
            if (pk == null) {
                pk = hsm.publicKey(key);
                publicKey = pk;
            }
            return pk;
        }

        @Override
        public ContentSigner contentSigner(SignedObject what, SignatureAlgorithm algorithm) {
            check(what);
            return HsmContentSigner.of(hsm, key, what, algorithm);
        }

        @Override
        public byte[] signDigest(SignedObject what, SignatureAlgorithm algorithm, byte[] digest) {
            check(what);
            return hsm.signDigest(key, what, algorithm, digest);
        }

        @Override
        public byte[] sign(SignedObject what, SignatureAlgorithm algorithm, byte[] message) {
            check(what);
            return hsm.sign(key, what, algorithm, message);
        }

        @Override
        public String toString() {
            return "ScopedSigner[" + key.label() + ", " + key.purpose() + ", " + key.algorithm() + "]";
        }
    }
}
