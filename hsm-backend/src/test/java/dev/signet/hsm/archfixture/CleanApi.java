package dev.signet.hsm.archfixture;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.List;

/** What a public API may carry: public keys, data, handles. {@code KeyMaterialBoundaryTest} must accept it. */
public class CleanApi {

    public PublicKey publicKey() {
        return null;
    }

    public List<ECPublicKey> publicKeys() {
        return List.of();
    }

    public byte[] sign(String label, byte[] data) {
        return data;
    }
}
