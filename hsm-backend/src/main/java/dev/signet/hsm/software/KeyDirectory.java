package dev.signet.hsm.software;

import dev.signet.hsm.HsmException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a software backend:
 * <pre>
 *   DIR/hsm.properties   KDF parameters, salt, passphrase check value
 *   DIR/hsm.lock         held while a process has the backend open
 *   DIR/keys/LABEL.key   one sealed key per file
 *   DIR/keys.N/LABEL.key instead, once the passphrase has been changed: the metadata (format 2)
 *                        names the generation N whose directory holds the keys
 * </pre>
 * Every write goes to a temporary file that is fsynced, atomically renamed into place and followed
 * by an fsync of the directory, so a crash leaves either the old state or the new, never half a key.
 * Files are readable by the owner only.
 *
 * <p>A passphrase change ({@link PassphraseChange}) writes every key, sealed under the new key, into
 * the next generation's directory and then replaces the metadata: that one rename is the switch.
 * Any other generation's directory is a leftover of a change that stopped before or after it, and
 * {@link #removeOtherGenerations} deletes it once the passphrase has been verified.
 */
final class KeyDirectory implements AutoCloseable {

    static final String METADATA = "hsm.properties";
    static final String LOCK = "hsm.lock";
    static final String KEYS = "keys";
    static final String KEY_SUFFIX = ".key";
    static final String TEMP_SUFFIX = ".tmp";

    /**
     * The files that are the backend's state, relative to {@code root} with '/' separators: the
     * metadata and the sealed keys, never the lock or a write's temporary file. Each is replaced
     * atomically, so reading them while another process has the directory open sees whole files.
     */
    static List<String> stateFiles(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        Map<String, String> meta = readMetadata(root);
        if (meta != null) {
            out.add(METADATA);
        }
        String keysName = keysDirName(meta == null ? 1 : MasterKey.generation(meta, root.resolve(METADATA).toString()));
        Path keyDir = root.resolve(keysName);
        if (Files.isDirectory(keyDir)) {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(keyDir, "*" + KEY_SUFFIX)) {
                files.forEach(p -> names.add(p.getFileName().toString()));
            }
            Collections.sort(names);
            names.forEach(n -> out.add(keysName + "/" + n));
        }
        return out;
    }

    /** The directory of generation {@code g}'s key files: {@code keys} for 1 (every store before a passphrase change). */
    static String keysDirName(int generation) {
        return generation == 1 ? KEYS : KEYS + "." + generation;
    }

    /** The generation a directory name belongs to, or 0 if it is not a key directory's name. */
    private static int generationOfName(String name) {
        if (name.equals(KEYS)) {
            return 1;
        }
        if (name.matches("keys\\.[1-9][0-9]{0,6}")) {
            return Integer.parseInt(name.substring(KEYS.length() + 1));
        }
        return 0;
    }

    private final Path root;
    private final int generation;
    private final Path keys;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SecureRandom random;

    private KeyDirectory(Path root, int generation, FileChannel lockChannel, FileLock lock, SecureRandom random) {
        this.root = root;
        this.generation = generation;
        this.keys = root.resolve(keysDirName(generation));
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.random = random;
    }

    /**
     * Opens (creating if needed) the directory and takes its lock: two processes writing the same
     * key directory would not see each other's keys, so the second one is refused.
     */
    static KeyDirectory open(Path root, SecureRandom random) {
        return open(root, random, "stop the server first, or, to work beside a running server, use --config with the"
                + " pkcs11 backend, which several processes can share");
    }

    /** As {@link #open(Path, SecureRandom)}; {@code ifInUse} tells the operator what to do if another process holds the lock. */
    static KeyDirectory open(Path root, SecureRandom random, String ifInUse) {
        try {
            createPrivateDirectories(root);
            FileChannel channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new HsmException.BackendFailure("the key directory " + root
                        + " is in use by another process (a running server, most likely): " + ifInUse, null);
            }
            try {
                Map<String, String> meta = readMetadata(root);
                int generation = meta == null ? 1 : MasterKey.generation(meta, root.resolve(METADATA).toString());
                Path keys = root.resolve(keysDirName(generation));
                if (generation == 1) {
                    createPrivateDirectories(keys);
                } else if (!Files.isDirectory(keys)) {
                    // Never an empty store in its place: that would look like a store whose keys are all gone.
                    throw new HsmException.BackendFailure("the metadata file " + root.resolve(METADATA) + " names the key directory "
                            + keys + ", which is missing", null);
                }
                return new KeyDirectory(root, generation, channel, lock, random);
            } catch (IOException | RuntimeException e) {
                lock.release();
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot open the key directory " + root, e);
        }
    }

    Path root() {
        return root;
    }

    String metadataName() {
        return root.resolve(METADATA).toString();
    }

    /** The generation whose key directory this one reads and writes (the metadata's, as found at open). */
    int generation() {
        return generation;
    }

    /** The metadata, or null if the directory has not been initialised. */
    Map<String, String> readMetadata() {
        return readMetadata(root);
    }

    private static Map<String, String> readMetadata(Path root) {
        Path file = root.resolve(METADATA);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            java.util.Properties p = new java.util.Properties();
            p.load(new StringReader(text));
            Map<String, String> m = new LinkedHashMap<>();
            p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
            return m;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalArgumentException e) {
            throw new HsmException.BackendFailure("cannot read " + file, e);
        }
    }

    void writeMetadata(Map<String, String> metadata) {
        StringBuilder b = new StringBuilder("# Signet software HSM: scrypt parameters, salt and passphrase check. Not secret, but do not edit.\n");
        metadata.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        writeAtomically(root, METADATA, b.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    /** Labels of the key files present, after removing temporary files that a crash left behind. */
    List<String> keyLabels() {
        List<String> labels = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(keys)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(TEMP_SUFFIX)) {
                    // We hold the lock, so no one is still writing it: it is a crash leftover.
                    Files.deleteIfExists(p);
                } else if (name.endsWith(KEY_SUFFIX) && Files.isRegularFile(p)) {
                    labels.add(name.substring(0, name.length() - KEY_SUFFIX.length()));
                }
            }
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot list the key directory " + keys, e);
        }
        return labels;
    }

    /** Whether there are key files, in this generation's directory or any other's. */
    boolean hasKeyFiles() {
        return !keyLabels().isEmpty() || !otherGenerations().isEmpty();
    }

    /** The directories of generations other than this one's: leftovers of a passphrase change. */
    private List<Path> otherGenerations() {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                int g = generationOfName(p.getFileName().toString());
                if (g != 0 && g != generation && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot list " + root, e);
        }
        return out;
    }

    /**
     * Deletes the key directories of other generations: after a passphrase change stopped before
     * its switch, the next generation's (sealed under a key no metadata names); after it, the
     * previous generation's (sealed under the old passphrase). Only key and temporary files are
     * deleted; a directory holding anything else is left and named in the result's message list.
     * Call only after the metadata's passphrase check passed, so a damaged or foreign metadata file
     * never causes a deletion.
     *
     * @return what was done, one line per directory, for the log
     */
    List<String> removeOtherGenerations() {
        List<String> done = new ArrayList<>();
        for (Path dir : otherGenerations()) {
            done.add(removeKeyDirectory(dir));
        }
        return done;
    }

    /** Deletes generation {@code g}'s directory (the previous one, once a passphrase change has switched). */
    String removeGeneration(int g) {
        // Checked against the metadata on disk, not this object's generation (which a change's switch made stale).
        Map<String, String> meta = readMetadata();
        if (meta == null || MasterKey.generation(meta, metadataName()) == g) {
            throw new IllegalStateException("refusing to delete the key directory that the metadata names");
        }
        Path dir = root.resolve(keysDirName(g));
        return Files.isDirectory(dir) ? removeKeyDirectory(dir) : dir + " is gone already";
    }

    private String removeKeyDirectory(Path dir) {
        try {
            int deleted = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path p : files) {
                    String name = p.getFileName().toString();
                    if (Files.isRegularFile(p) && (name.endsWith(KEY_SUFFIX) || name.endsWith(TEMP_SUFFIX))) {
                        Files.delete(p);
                        deleted++;
                    }
                }
            }
            try {
                Files.delete(dir);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                fsyncDirectory(dir);
                return "removed " + deleted + " key files of another generation from " + dir
                        + ", which holds other files and was left in place";
            }
            fsyncDirectory(root);
            return "removed " + dir + " (" + deleted + " key files of another generation)";
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot remove the leftover key directory " + dir, e);
        }
    }

    /** Creates generation {@code g}'s directory, empty, for a passphrase change to fill before it switches. */
    void createGeneration(int g) {
        Path dir = root.resolve(keysDirName(g));
        try {
            if (Files.exists(dir)) {
                throw new HsmException.BackendFailure(dir + " exists already (remove leftovers first)", null);
            }
            createPrivateDirectories(dir);
            // The directory's own entry must be durable before the metadata can name it.
            fsyncDirectory(root);
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot create " + dir, e);
        }
    }

    /** Writes a new key file into generation {@code g}'s directory (see {@link #createGeneration}). */
    void writeNewKey(int g, String label, byte[] content) {
        writeAtomically(root.resolve(keysDirName(g)), label + KEY_SUFFIX, content, true);
    }

    byte[] readKey(String label) {
        Path file = keys.resolve(label + KEY_SUFFIX);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot read the file of key '" + label + "'", e);
        }
    }

    /** Writes a new key file; refuses to replace an existing one. */
    void writeNewKey(String label, byte[] content) {
        writeAtomically(keys, label + KEY_SUFFIX, content, true);
    }

    /** Replaces a key's file atomically (the upgrade that adds a key's purpose to its header). */
    void replaceKey(String label, byte[] content) {
        writeAtomically(keys, label + KEY_SUFFIX, content, false);
    }

    void deleteKey(String label) {
        try {
            Files.deleteIfExists(keys.resolve(label + KEY_SUFFIX));
            fsyncDirectory(keys);
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot delete the file of key '" + label + "'", e);
        }
    }

    private void writeAtomically(Path dir, String name, byte[] content, boolean mustBeNew) {
        Path target = dir.resolve(name);
        Path temp = dir.resolve("." + name + "." + HexFormat.of().formatHex(randomBytes(8)) + TEMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(Files.createFile(temp, privateFile()), StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (mustBeNew) {
                // link(2) fails if the name is taken, so an existing key is never replaced.
                Files.createLink(target, temp);
                Files.delete(temp);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            deleteQuietly(temp);
            throw new HsmException.DuplicateLabel(name.endsWith(KEY_SUFFIX) ? name.substring(0, name.length() - KEY_SUFFIX.length()) : name);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new HsmException.BackendFailure("cannot write " + target, e);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // The next open removes leftover temporary files.
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    private FileAttribute<?>[] privateFile() {
        if (posix(root)) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new HsmException.BackendFailure("cannot release the lock on " + root, e);
        }
    }
}
