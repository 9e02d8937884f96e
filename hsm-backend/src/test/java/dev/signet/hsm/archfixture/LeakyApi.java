package dev.signet.hsm.archfixture;

import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Every way a public API could leak key material; {@code KeyMaterialBoundaryTest} must report each one. */
public class LeakyApi {

    public PrivateKey exposedKey;

    public LeakyApi(SecretKey key) {
    }

    public PrivateKey returnsPrivateKey() {
        return null;
    }

    public ECPrivateKey returnsEcPrivateKey() {
        return null;
    }

    public void takesSecretKeySpec(SecretKeySpec spec) {
    }

    public KeyPair returnsKeyPair() {
        return null;
    }

    public void takesKeyStore(KeyStore store) {
    }

    public List<PrivateKey> returnsListOfPrivateKeys() {
        return List.of();
    }

    public Key returnsRawKey() {
        return null;
    }

    public void takesPkcs8Spec(PKCS8EncodedKeySpec spec) {
    }

    public SecretKey[] returnsSecretKeyArray() {
        return new SecretKey[0];
    }

    protected PrivateKey protectedLeak() {
        return null;
    }

    /** Private members are not API and may hold keys. */
    private PrivateKey allowedPrivate() {
        return null;
    }

    public static class Nested {
        public void leak(PrivateKey key) {
        }
    }
}
