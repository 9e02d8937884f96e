package dev.signet.hsm.software;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.SecretSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes the passphrase of a software store, offline (the directory's lock must be free), without
 * changing any key: every key file is unsealed under the current master key, sealed under one
 * derived from the new passphrase (fresh salt) and written into the next generation's directory;
 * then the metadata naming that generation replaces the old metadata in one atomic rename. That
 * rename is the only switch:
 * <ul>
 *   <li>stopped before it, the old metadata still names the old directory, which nothing touched:
 *       the old passphrase opens the store, and that open deletes the unfinished new directory;
 *   <li>stopped after it, the new metadata names the complete new directory: the new passphrase
 *       opens the store, and that open deletes the old directory.
 * </ul>
 * So at every point exactly one passphrase opens every key, never a mix. A rotation leaves the
 * cleanup of a failure to that next open on purpose: a crash cannot run cleanup code either, and
 * one recovery path for both keeps the two cases the same.
 *
 * <p>After the change the files that the old passphrase unseals are gone from the store; copies
 * made before (backups) still open with it, as they always would.
 */
final class PassphraseChange {

    private static final Logger LOG = LoggerFactory.getLogger(PassphraseChange.class);

    /** Where a change can stop; a test's {@link Hook} throws at one to stand for a crash there. */
    enum Step {
        /** One more key file is written (and fsynced) into the new generation's directory. */
        KEY_RESEALED,
        /** Every key file is in the new directory; the metadata is still the old one. */
        BEFORE_SWITCH,
        /** The new metadata is in place; the old directory is not yet removed. */
        SWITCHED
    }

    /** Called at each {@link Step}; only tests pass one that does anything. */
    interface Hook {
        Hook NONE = step -> { };

        void reached(Step step);
    }

    /** What a change did: how many keys it re-sealed and the generation now in use. */
    record Result(int keys, int generation) {
    }

    static final String IF_IN_USE = "stop the server (and any other signet command using the key directory) first: "
            + "the passphrase is changed only while no process has the store open";

    private PassphraseChange() {
    }

    static Result run(Path directory, SecretSource current, SecretSource next, Hook hook) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(next, "next");
        Path root = directory.toAbsolutePath();
        if (!Files.isRegularFile(root.resolve(KeyDirectory.METADATA))) {
            // Checked before taking the lock, which would create the directory.
            throw new HsmException.BackendFailure("no software key store in " + root + " (no " + KeyDirectory.METADATA
                    + "): there is no passphrase to change", null);
        }
        SecureRandom random = new SecureRandom();
        List<KeyFile.Opened> opened = new ArrayList<>();
        try (KeyDirectory dir = KeyDirectory.open(root, random, IF_IN_USE)) {
            MasterKey old = MasterKey.open(current, dir.readMetadata(), dir.metadataName(), random);
            // Finish an earlier change that stopped (its leftovers are never the current generation).
            dir.removeOtherGenerations().forEach(line -> LOG.info("{}", line));

            // Every key must open before anything is written: a key that does not would be lost.
            for (String label : dir.keyLabels()) {
                try {
                    Labels.check(label);
                } catch (IllegalArgumentException e) {
                    throw new HsmException.BackendFailure("passphrase not changed: the key directory holds a file named '" + label
                            + KeyDirectory.KEY_SUFFIX + "', which is not a key label; move it out of the directory first", null);
                }
                try {
                    opened.add(KeyFile.open(label, dir.readKey(label), old));
                } catch (HsmException.KeyIntegrity e) {
                    throw new HsmException.BackendFailure("passphrase not changed: " + e.getMessage()
                            + "; changing the passphrase would lose it: restore it from a backup or destroy it first", e);
                }
            }

            int generation = old.generation() + 1;
            MasterKey.Created created = MasterKey.create(next, old.params(), random, generation);
            dir.createGeneration(generation);
            for (KeyFile.Opened o : opened) {
                String label = o.header().label();
                byte[] file = KeyFile.seal(o.header(), o.material(), created.master());
                // Read back under the new key, as the next open will, before it can become the store.
                KeyFile.Opened check = KeyFile.open(label, file, created.master());
                try {
                    if (!Arrays.equals(check.material(), o.material())) {
                        throw new HsmException.BackendFailure("re-sealing key '" + label + "' did not round-trip", null);
                    }
                } finally {
                    Arrays.fill(check.material(), (byte) 0);
                }
                dir.writeNewKey(generation, label, file);
                hook.reached(Step.KEY_RESEALED);
            }
            hook.reached(Step.BEFORE_SWITCH);
            dir.writeMetadata(created.metadata());
            LOG.info("software HSM in {}: passphrase changed, {} keys re-sealed into {}", root, opened.size(),
                    KeyDirectory.keysDirName(generation));
            hook.reached(Step.SWITCHED);
            LOG.info("{}", dir.removeGeneration(old.generation()));
            return new Result(opened.size(), generation);
        } finally {
            opened.forEach(o -> Arrays.fill(o.material(), (byte) 0));
        }
    }
}
