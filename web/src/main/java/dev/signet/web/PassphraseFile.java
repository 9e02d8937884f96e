package dev.signet.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo fallback for the software HSM's passphrase: when none is configured, a random one is
 * generated once into {@code <data>/secrets/hsm-passphrase} (mode 0600). Convenient, but whoever
 * copies the data directory then has both the sealed keys and their passphrase, hence the warning.
 */
final class PassphraseFile {

    private static final Logger LOG = LoggerFactory.getLogger(PassphraseFile.class);

    private PassphraseFile() {}

    static void ensure(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                trySetPermissions(file.getParent(), "rwx------");
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String passphrase = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                }
                Files.writeString(file, passphrase + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                LOG.warn("generated a random software-HSM passphrase into {}", file);
            }
        } catch (FileAlreadyExistsException e) {
            // Another process created it first: use theirs.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
        LOG.warn("the software HSM passphrase is read from {} inside the data directory; in production supply it "
                + "from SIGNET_HSM_PASSPHRASE or hsm.software.passphraseFile outside the data directory", file);
    }

    private static void trySetPermissions(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to set.
        }
    }
}
