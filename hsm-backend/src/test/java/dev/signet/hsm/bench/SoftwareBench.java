package dev.signet.hsm.bench;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.software.SoftwareProviders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The software backend in a temporary directory, against the same JCA provider called directly. */
final class SoftwareBench implements BenchBackend {

    private final Path directory;
    private final Hsm hsm;

    SoftwareBench() throws Exception {
        directory = Files.createTempDirectory("signet-bench-hsm");
        hsm = Hsms.open(new HsmConfig.Software(directory.resolve("keys"),
                new SecretSource.Env("BENCH_PASSPHRASE", Map.of("BENCH_PASSPHRASE", "benchmark passphrase"))));
    }

    @Override
    public Hsm hsm() {
        return hsm;
    }

    @Override
    public String directProvider(KeyAlgorithm algorithm) {
        return SoftwareProviders.forKey(algorithm).getName();
    }

    @Override
    public Baseline direct(KeyAlgorithm algorithm, SignatureAlgorithm scheme) throws Exception {
        return jcaBaseline(algorithm, scheme.jcaName(), SoftwareProviders.forKey(algorithm));
    }

    /** A direct JCA signer: a fresh key pair of {@code algorithm} from {@code provider}, signing with it. */
    static Baseline jcaBaseline(KeyAlgorithm algorithm, String jcaSignature, Provider provider) throws Exception {
        KeyPairGenerator generator = switch (algorithm.family()) {
            case RSA -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", provider);
                g.initialize(algorithm.bits());
                yield g;
            }
            case EC -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC", provider);
                g.initialize(new ECGenParameterSpec(algorithm == KeyAlgorithm.EC_P256 ? "secp256r1" : "secp384r1"));
                yield g;
            }
            case EDDSA -> KeyPairGenerator.getInstance("Ed25519", provider);
            case AES -> throw new IllegalArgumentException("AES keys do not sign");
        };
        KeyPair pair = generator.generateKeyPair();
        return () -> {
            Signature s = Signature.getInstance(jcaSignature, provider);
            s.initSign(pair.getPrivate());
            return data -> {
                s.update(data);
                return s.sign();
            };
        };
    }

    @Override
    public void close() throws Exception {
        hsm.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
