package dev.signet.hsm.bench;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.SignatureAlgorithm;

/**
 * One backend {@link HsmBenchmark} can measure: the boundary itself, and a baseline that calls the
 * same provider or token directly. Adding a backend is one class implementing this plus one line
 * in {@link HsmBenchmark#backend}.
 */
interface BenchBackend extends AutoCloseable {

    /** The backend, open and ready to generate keys. */
    Hsm hsm();

    /** What the direct baseline calls, for the table (e.g. "BC", "SunRsaSign", "SoftHSM2"). */
    String directProvider(KeyAlgorithm algorithm);

    /**
     * A baseline signer with a fresh key of {@code algorithm}, calling the provider or token the
     * backend uses, without the boundary. {@link Baseline#forThread} is called once per thread.
     */
    Baseline direct(KeyAlgorithm algorithm, SignatureAlgorithm scheme) throws Exception;

    @Override
    void close() throws Exception;

    /** Makes one signer per thread, as a careful direct user of the provider would. */
    interface Baseline {
        SignOp forThread() throws Exception;
    }

    /** One signature over {@code data}. */
    @FunctionalInterface
    interface SignOp {
        byte[] sign(byte[] data) throws Exception;
    }
}
