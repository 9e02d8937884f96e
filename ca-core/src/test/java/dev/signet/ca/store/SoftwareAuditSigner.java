package dev.signet.ca.store;

import dev.signet.ca.audit.AuditSigner;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.SigningKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A software HSM in a directory of its own with an audit key in it, for store tests that sign
 * checkpoints. It is opened once for a test class (opening runs the deliberately slow passphrase
 * KDF) and closed and deleted after it:
 * {@code @RegisterExtension static final SoftwareAuditSigner AUDIT = new SoftwareAuditSigner();}
 */
final class SoftwareAuditSigner implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private Hsm hsm;
    private AuditSigner signer;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("signet-audit-hsm");
        hsm = Hsms.open(new HsmConfig.Software(dir.resolve("keys"),
                new SecretSource.Env("SIGNET_TEST_PASSPHRASE", Map.of("SIGNET_TEST_PASSPHRASE", "correct horse battery"))));
        SigningKeys auditKeys = hsm.signingKeys(KeyPurpose.AUDIT);
        signer = new AuditSigner(auditKeys, auditKeys.generate("audit", KeyAlgorithm.EC_P256));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            hsm.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The HSM, for tests that need other keys beside the audit key. */
    Hsm hsm() {
        return hsm;
    }

    /** The signer of checkpoints, with the audit key labelled "audit". */
    AuditSigner signer() {
        return signer;
    }
}
