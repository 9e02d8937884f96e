package dev.signet.hsm.bench;

import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.software.SoftwareProviders;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Why {@link SoftwareProviders} picks what it picks: the JDK's providers against Bouncy Castle,
 * one thread, same key type and message, runs alternating, median of the rounds. The ratio is
 * Bouncy Castle / JDK; the software backend should use Bouncy Castle where it is above 1.
 *
 * <pre>
 * mvn -B -ntp -pl hsm-backend test-compile exec:java@hsm-bench -Dexec.mainClass=dev.signet.hsm.bench.ProviderChoiceBenchmark
 * </pre>
 */
public final class ProviderChoiceBenchmark {

    private ProviderChoiceBenchmark() {
    }

    private record Case(KeyAlgorithm key, String signature, String jdkProvider) {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Provider bc = new BouncyCastleProvider();
        byte[] message = new byte[512];
        List<Case> cases = List.of(
                new Case(KeyAlgorithm.RSA_2048, "SHA256withRSA", "SunRsaSign"),
                new Case(KeyAlgorithm.EC_P256, "SHA256withECDSA", "SunEC"),
                new Case(KeyAlgorithm.ED25519, "Ed25519", "SunEC"));
        System.out.println("| key      | JDK sig/s | BC sig/s | BC/JDK | software backend uses |");
        System.out.println("|----------|-----------|----------|--------|-----------------------|");
        for (Case c : cases) {
            BenchBackend.Baseline jdk = SoftwareBench.jcaBaseline(c.key(), c.signature(), Security.getProvider(c.jdkProvider()));
            BenchBackend.Baseline bouncy = SoftwareBench.jcaBaseline(c.key(), c.signature(), bc);
            HsmBenchmark.measure(jdk, 1, 2.0, message);
            HsmBenchmark.measure(bouncy, 1, 2.0, message);
            double[] j = new double[rounds];
            double[] b = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                j[r] = HsmBenchmark.measure(jdk, 1, seconds, message).perSecond();
                b[r] = HsmBenchmark.measure(bouncy, 1, seconds, message).perSecond();
            }
            double jm = HsmBenchmark.median(j);
            double bm = HsmBenchmark.median(b);
            System.out.printf(Locale.ROOT, "| %-8s | %9.0f | %8.0f | %6.2f | %-21s |%n", c.key(), jm, bm, bm / jm,
                    SoftwareProviders.forKey(c.key()).getName());
        }
    }
}
