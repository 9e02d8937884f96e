package dev.signet.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.web.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The manifest of a backup directory ({@value #FILE_NAME}): every file's path relative to the
 * backup, its size and SHA-256, plus when the backup was taken and the audit chain head it holds.
 * Restore checks every file against it before writing anything. It guards against damage in
 * storage or transit, not against someone who can rewrite the manifest too.
 */
record BackupManifest(int formatVersion, Instant created, String hsmBackend, long auditHeadSeq, List<Entry> files) {

    static final String FILE_NAME = "signet-backup.json";
    static final String FORMAT = "signet-backup";
    static final int FORMAT_VERSION = 1;

    /** The database snapshot's path in a backup. */
    static final String DATABASE = "signet.db";
    /** The software HSM's key directory (metadata and sealed keys) in a backup. */
    static final String KEYS = "keys";
    /** The operator profiles in a backup. */
    static final String PROFILES = "profiles";

    // Slash-separated, relative, no empty, "." or ".." segment: a manifest cannot name a file outside the backup.
    private static final Pattern SAFE_PATH = Pattern.compile("(?!\\.{1,2}(/|$))[^/\\\\\u0000]+(/(?!\\.{1,2}(/|$))[^/\\\\\u0000]+)*");

    record Entry(String path, long size, String sha256) {}

    BackupManifest {
        files = List.copyOf(files);
    }

    /** The entry for a file of {@code dir}, measured now. */
    static Entry measure(Path dir, String relative) {
        Path file = dir.resolve(relative);
        try {
            return new Entry(relative, Files.size(file), sha256(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream()); // the digest is computed on the way through
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    void write(Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("formatVersion", formatVersion);
        m.put("created", created.toString());
        m.put("hsmBackend", hsmBackend);
        m.put("auditHeadSeq", auditHeadSeq);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Entry e : files) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", e.path());
            f.put("size", e.size());
            f.put("sha256", e.sha256());
            list.add(f);
        }
        m.put("files", list);
        try {
            Files.write(dir.resolve(FILE_NAME), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE_NAME), e);
        }
    }

    /** Reads and validates the manifest of a backup directory. @throws BadBackupException if it is missing or malformed */
    static BackupManifest read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new BadBackupException("no " + FILE_NAME + " in " + dir + " (not a Signet backup, or an unfinished one)");
        } catch (IOException e) {
            throw new BadBackupException(file + " is not readable JSON");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new BadBackupException(file + " is not a Signet backup manifest");
        }
        int version = root.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new BadBackupException(file + " has backup format version " + root.path("formatVersion")
                    + "; this Signet reads version " + FORMAT_VERSION);
        }
        Instant created;
        try {
            created = Instant.parse(root.path("created").asText());
        } catch (DateTimeParseException e) {
            throw new BadBackupException(file + ": created is not an ISO-8601 instant");
        }
        String backend = root.path("hsmBackend").asText();
        if (!backend.equals("software") && !backend.equals("pkcs11")) {
            throw new BadBackupException(file + ": hsmBackend must be software or pkcs11");
        }
        if (!root.path("auditHeadSeq").canConvertToLong() || !root.path("files").isArray()) {
            throw new BadBackupException(file + " lacks auditHeadSeq or files");
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode f : root.path("files")) {
            String path = f.path("path").asText();
            if (!SAFE_PATH.matcher(path).matches()) {
                throw new BadBackupException(file + " names an unsafe path: '" + path + "'");
            }
            if (!f.path("size").canConvertToLong() || !f.path("sha256").asText().matches("[0-9a-f]{64}")) {
                throw new BadBackupException(file + ": bad size or sha256 for " + path);
            }
            if (entries.stream().anyMatch(e -> e.path().equals(path))) {
                throw new BadBackupException(file + " lists " + path + " twice");
            }
            entries.add(new Entry(path, f.path("size").asLong(), f.path("sha256").asText()));
        }
        if (entries.stream().noneMatch(e -> e.path().equals(DATABASE))) {
            throw new BadBackupException(file + " lists no " + DATABASE);
        }
        return new BackupManifest(version, created, backend, root.path("auditHeadSeq").asLong(), entries);
    }

    /** Checks every listed file of {@code dir}; the first that is missing or differs is named. */
    void verify(Path dir) {
        for (Entry e : files) {
            Path file = dir.resolve(e.path());
            if (!Files.isRegularFile(file)) {
                throw new BadBackupException("backup file " + e.path() + " is missing");
            }
            try {
                if (Files.size(file) != e.size()) {
                    throw new BadBackupException("backup file " + e.path() + " has " + Files.size(file)
                            + " bytes, the manifest says " + e.size());
                }
                if (!sha256(file).equals(e.sha256())) {
                    throw new BadBackupException("backup file " + e.path() + " does not match its SHA-256 in the manifest");
                }
            } catch (IOException ex) {
                throw new BadBackupException("backup file " + e.path() + " is not readable: " + ex.getMessage());
            }
        }
    }

    /** A backup that restore must not use; the message names the file. */
    static final class BadBackupException extends RuntimeException {
        BadBackupException(String message) {
            super(message);
        }
    }
}
