package dev.signet.web.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * File copies for backup and restore: a database and sealed keys are for the owner's eyes only, so
 * directories are created 0700 and copies made 0600 (where the file system has POSIX modes).
 */
final class PrivateFiles {

    private PrivateFiles() {}

    /** Copies {@code from} to {@code to} (which must not exist) through a temporary name, so a half copy never has the final name. */
    static void copy(Path from, Path to) throws IOException {
        createDirectories(to.getParent());
        Path temp = to.resolveSibling("." + to.getFileName() + ".partial");
        Files.deleteIfExists(temp);
        Files.copy(from, temp);
        restrict(temp, "rw-------");
        Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE);
    }

    static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectories(dir.toAbsolutePath().getParent());
        Files.createDirectory(dir);
        restrict(dir, "rwx------");
    }

    /** The regular files below {@code dir} (none if it does not exist), as slash-separated relative paths, sorted. */
    static List<String> regularFilesBelow(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).sorted()
                    .forEach(p -> out.add(dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/")));
        }
        return out;
    }

    static void restrict(Path p, String mode) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        }
    }
}
