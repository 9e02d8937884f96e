package dev.signet.ca.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database holds password, token and session hashes: its files are for the owner only. A new
 * database file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the
 * database file's mode); an existing file, or a directory, open to others is repaired, with a
 * warning. Where the file system has no POSIX modes, nothing is done.
 */
public final class OwnerOnly {

    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);

    private OwnerOnly() {
    }

    /** Creates {@code dir} (and missing parents) 0700, or repairs its mode if others may read it. */
    public static void directory(Path dir) throws IOException {
        if (!posix(dir)) {
            Files.createDirectories(dir);
            return;
        }
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            Files.setPosixFilePermissions(dir, DIRECTORY); // createDirectories is subject to the umask
            return;
        }
        repair(dir, DIRECTORY);
    }

    /** Creates the database file 0600 if it is missing, and repairs it and its -wal, -shm and -journal files. */
    static void databaseFiles(Path file) throws IOException {
        if (!posix(file.toAbsolutePath().getParent())) {
            return;
        }
        if (!Files.exists(file)) {
            // An empty file is an empty SQLite database; created here, it never had another mode.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            Files.setPosixFilePermissions(file, FILE);
        } else {
            repair(file, FILE);
        }
        for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
            Path side = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(side)) {
                repair(side, FILE);
            }
        }
    }

    private static void repair(Path p, Set<PosixFilePermission> wanted) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(p);
        if (!now.equals(wanted)) {
            LOG.warn("{} had mode {}; set to {} (it holds secrets' hashes: owner only)", p,
                    PosixFilePermissions.toString(now), PosixFilePermissions.toString(wanted));
            Files.setPosixFilePermissions(p, wanted);
        }
    }

    private static boolean posix(Path p) {
        return p != null && p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
