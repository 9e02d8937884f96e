package dev.signet.hsm;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.operator.ContentSigner;

/**
 * INTERIM (issue 8 replaces it): scoped signers and keys over the generic {@link Hsm} operations.
 * It checks each use against the purpose the caller declared, but the backend does not yet store
 * the purpose with the key, so {@link SigningKeys#find} cannot detect a key of another purpose.
 */
final class InterimPurposeKeys {

    private InterimPurposeKeys() {
    }

    static SigningKeys signing(Hsm hsm, KeyPurpose purpose) {
        if (purpose.isSymmetric()) {
            throw new IllegalArgumentException(purpose + " keys do not sign");
        }
        return new SigningKeys() {
            @Override
            public KeyPurpose purpose() {
                return purpose;
            }

            @Override
            public ScopedSigner generate(String label, KeyAlgorithm algorithm) {
                return new Signer(hsm, hsm.generate(label, algorithm, KeyPolicy.signOnly()), purpose);
            }

            @Override
            public Optional<ScopedSigner> find(String label) {
                return hsm.find(label).map(k -> new Signer(hsm, k, purpose));
            }

            @Override
            public List<KeyInfo> list() {
                return hsm.list().stream().filter(k -> !k.algorithm().isSymmetric()).toList();
            }

            @Override
            public void destroy(String label) {
                hsm.destroy(hsm.get(label));
            }
        };
    }

    static EncryptionKeys encryption(Hsm hsm) {
        return new EncryptionKeys() {
            @Override
            public DataCipher generate(String label) {
                return cipher(hsm, hsm.generate(label, KeyAlgorithm.AES_256, KeyPolicy.sealing()));
            }

            @Override
            public Optional<DataCipher> find(String label) {
                return hsm.find(label).map(k -> cipher(hsm, k));
            }

            @Override
            public List<KeyInfo> list() {
                return hsm.list().stream().filter(k -> k.algorithm().isSymmetric()).toList();
            }

            @Override
            public void destroy(String label) {
                hsm.destroy(hsm.get(label));
            }
        };
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
        };
    }

    private record Signer(Hsm hsm, KeyHandle key, KeyPurpose purpose) implements ScopedSigner {

        private void check(SignedObject what) {
            if (!purpose.permits(what)) {
                throw new HsmException.PurposeMismatch(key.label(), purpose, what.name());
            }
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
            return hsm.publicKey(key);
        }

        @Override
        public ContentSigner contentSigner(SignedObject what, SignatureAlgorithm algorithm) {
            check(what);
            return HsmContentSigner.of(hsm, key, algorithm);
        }

        @Override
        public byte[] signDigest(SignedObject what, SignatureAlgorithm algorithm, byte[] digest) {
            check(what);
            return hsm.signDigest(key, algorithm, digest);
        }

        @Override
        public byte[] sign(SignedObject what, SignatureAlgorithm algorithm, byte[] message) {
            check(what);
            return hsm.sign(key, algorithm, message);
        }
    }
}
