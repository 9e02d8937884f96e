package dev.signet.web;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyHandle;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * An {@link Hsm} that times every key operation into {@code signet.hsm.operations}, tagged with
 * backend, operation and algorithm (labels are bounded: a handful of each, never key labels).
 * Everything else passes straight through.
 */
public final class MeteredHsm implements Hsm {

    private final Hsm delegate;
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    public MeteredHsm(Hsm delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    private <T> T timed(String operation, String algorithm, Supplier<T> call) {
        Timer timer = timers.computeIfAbsent(operation + "/" + algorithm, k -> Timer.builder("signet.hsm.operations")
                .description("Key operations at the HSM boundary")
                .tag("backend", delegate.backendName())
                .tag("operation", operation)
                .tag("algorithm", algorithm)
                .publishPercentileHistogram()
                .register(registry));
        return timer.record(call);
    }

    @Override
    public String backendName() {
        return delegate.backendName();
    }

    @Override
    public KeyHandle generate(String label, KeyAlgorithm algorithm, KeyPurpose purpose) {
        return timed("generate", algorithm.name(), () -> delegate.generate(label, algorithm, purpose));
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
        return timed("sign", algorithm.name(), () -> delegate.sign(key, what, algorithm, data));
    }

    @Override
    public byte[] signDigest(KeyHandle key, SignedObject what, SignatureAlgorithm algorithm, byte[] digest) {
        return timed("sign", algorithm.name(), () -> delegate.signDigest(key, what, algorithm, digest));
    }

    @Override
    public byte[] encrypt(KeyHandle key, byte[] plaintext, byte[] associatedData) {
        return timed("encrypt", key.algorithm().name(), () -> delegate.encrypt(key, plaintext, associatedData));
    }

    @Override
    public byte[] decrypt(KeyHandle key, byte[] sealed, byte[] associatedData) {
        return timed("decrypt", key.algorithm().name(), () -> delegate.decrypt(key, sealed, associatedData));
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
