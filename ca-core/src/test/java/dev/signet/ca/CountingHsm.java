package dev.signet.ca;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SignedObject;
import dev.signet.hsm.SignatureAlgorithm;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend, wrapped to count signatures and key generations: tests show that refused requests
 * sign nothing, and that requests refused whatever the key generate none.
 */
final class CountingHsm implements Hsm {

    private final Hsm delegate;
    final AtomicInteger signatures = new AtomicInteger();
    final AtomicInteger generated = new AtomicInteger();

    CountingHsm(Hsm delegate) {
        this.delegate = delegate;
    }

    @Override
    public String backendName() {
        return delegate.backendName();
    }

    @Override
    public KeyHandle generate(String label, KeyAlgorithm algorithm, KeyPurpose purpose) {
        generated.incrementAndGet();
        return delegate.generate(label, algorithm, purpose);
    }

    @Override
    public KeyHandle assignPurpose(String label, KeyPurpose purpose) {
        return delegate.assignPurpose(label, purpose);
    }

    @Override
    public Optional<KeyHandle> find(String label) {
        return delegate.find(label);
    }

    @Override
    public List<KeyInfo> list() {
        return delegate.list();
    }

    @Override
    public PublicKey publicKey(KeyHandle key) {
        return delegate.publicKey(key);
    }

    @Override
    public byte[] sign(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] data) {
        signatures.incrementAndGet();
        return delegate.sign(key, what, algorithm, data);
    }

    @Override
    public byte[] signDigest(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] digest) {
        signatures.incrementAndGet();
        return delegate.signDigest(key, what, algorithm, digest);
    }

    @Override
    public byte[] encrypt(KeyHandle key, byte[] plaintext, byte[] associatedData) {
        return delegate.encrypt(key, plaintext, associatedData);
    }

    @Override
    public byte[] decrypt(KeyHandle key, byte[] sealed, byte[] associatedData) {
        return delegate.decrypt(key, sealed, associatedData);
    }

    @Override
    public void destroy(KeyHandle key) {
        delegate.destroy(key);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
