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
 * </pre>
 * Every write goes to a temporary file that is fsynced, atomically renamed into place and followed
 * by an fsync of the directory, so a crash leaves either the old state or the new, never half a key.
 * Files are readable by the owner only.
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
        if (Files.isRegularFile(root.resolve(METADATA))) {
            out.add(METADATA);
        }
        Path keyDir = root.resolve(KEYS);
        if (Files.isDirectory(keyDir)) {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(keyDir, "*" + KEY_SUFFIX)) {
                files.forEach(p -> names.add(p.getFileName().toString()));
            }
            Collections.sort(names);
            names.forEach(n -> out.add(KEYS + "/" + n));
        }
        return out;
    }

    private final Path root;
    private final Path keys;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SecureRandom random;

    private KeyDirectory(Path root, FileChannel lockChannel, FileLock lock, SecureRandom random) {
        this.root = root;
        this.keys = root.resolve(KEYS);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.random = random;
    }

    /**
     * Opens (creating if needed) the directory and takes its lock: two processes writing the same
     * key directory would not see each other's keys, so the second one is refused.
     */
    static KeyDirectory open(Path root, SecureRandom random) {
        try {
            createPrivateDirectories(root);
            createPrivateDirectories(root.resolve(KEYS));
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
                        + " is in use by another process (a running server, most likely): stop the server first, or,"
                        + " to work beside a running server, use --config with the pkcs11 backend, which several"
                        + " processes can share", null);
            }
            return new KeyDirectory(root, channel, lock, random);
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

    /** The metadata, or null if the directory has not been initialised. */
    Map<String, String> readMetadata() {
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

    boolean hasKeyFiles() {
        return !keyLabels().isEmpty();
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
