package dev.signet.hsm.software;

import dev.signet.hsm.KeyAlgorithm;
import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider the software backend uses for each kind of key, chosen by measured speed on
 * our 2-core machines (see /work/shared/TOOLS.md and {@code HsmBenchmark}): Bouncy Castle signs
 * P-256 about 6x and Ed25519 about 20x faster than the JDK, while the JDK's SunRsaSign is faster
 * for RSA and SunJCE's AES-GCM uses the CPU's AES instructions.
 *
 * <p>Public so that the benchmark can call the very same provider directly as its baseline. The
 * Bouncy Castle provider is one private instance; it is never installed globally.
 */
public final class SoftwareProviders {

    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private SoftwareProviders() {
    }

    /** The provider that generates, holds and uses keys of this algorithm. */
    public static Provider forKey(KeyAlgorithm algorithm) {
        return switch (algorithm.family()) {
            case RSA -> jdk("SunRsaSign");
            case EC, EDDSA -> BOUNCY_CASTLE;
            case AES -> jdk("SunJCE");
        };
    }

    /** Bouncy Castle, for the few operations only it offers (PSS over a precomputed digest). */
    static Provider bouncyCastle() {
        return BOUNCY_CASTLE;
    }

    private static Provider jdk(String name) {
        Provider p = Security.getProvider(name);
        if (p == null) {
            throw new IllegalStateException("the JDK provider " + name + " is missing from this Java runtime");
        }
        return p;
    }
}
