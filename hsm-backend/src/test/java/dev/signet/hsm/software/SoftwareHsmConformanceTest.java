package dev.signet.hsm.software;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConformanceTest;
import dev.signet.hsm.SecretSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite against the software backend in a temporary directory. It uses a cheap
 * scrypt cost so that the ~25 fresh backends do not spend seconds each in the KDF; the default
 * cost is exercised by {@link SoftwareHsmTest}.
 */
class SoftwareHsmConformanceTest extends HsmConformanceTest {

    private static final MasterKey.KdfParams CHEAP_KDF = new MasterKey.KdfParams(10, 8, 1);

    @TempDir
    Path temp;

    private final SecretSource passphrase =
            new SecretSource.Env("SIGNET_TEST_PASSPHRASE", Map.of("SIGNET_TEST_PASSPHRASE", "conformance passphrase"));

    @Override
    protected Hsm newBackend() {
        return SoftwareHsm.open(temp.resolve("hsm"), passphrase, CHEAP_KDF);
    }

    @Override
    protected Hsm reopen(Hsm backend) {
        backend.close();
        return SoftwareHsm.open(temp.resolve("hsm"), passphrase);
    }
}
