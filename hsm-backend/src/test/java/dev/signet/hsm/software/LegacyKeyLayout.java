package dev.signet.hsm.software;

import dev.signet.hsm.SecretSource;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Test support: turns a software key directory into the layout Signet wrote before key purposes
 * (key files whose authenticated header has no {@code purpose=} line), so that upgrade tests start
 * from what an older release left on disk. The backend must be closed.
 */
public final class LegacyKeyLayout {

    private LegacyKeyLayout() {
    }

    /** Rewrites every key file in {@code directory} without its purpose. */
    public static void removePurposes(Path directory, SecretSource passphrase) {
        SecureRandom random = new SecureRandom();
        try (KeyDirectory dir = KeyDirectory.open(directory.toAbsolutePath(), random)) {
            MasterKey master = MasterKey.open(passphrase, dir.readMetadata(), dir.metadataName(), random);
            for (String label : dir.keyLabels()) {
                KeyFile.Opened opened = KeyFile.open(label, dir.readKey(label), master);
                try {
                    dir.replaceKey(label, KeyFile.seal(opened.header().withPurpose(null), opened.material(), master));
                } finally {
                    Arrays.fill(opened.material(), (byte) 0);
                }
            }
        }
    }
}
