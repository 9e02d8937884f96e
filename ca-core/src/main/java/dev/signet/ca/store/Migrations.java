package dev.signet.ca.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the versioned schema scripts {@code db/migration/V<n>__<name>.sql} in order and records
 * each in {@code schema_version} with its SHA-256, all in one transaction. A script that changed
 * after it was applied stops the start-up: the schema on disk would no longer be what the code
 * was generated from. (Flyway would do the same; a forty-line runner needs no extra dependency
 * and no SQLite-specific Flyway module.)
 */
final class Migrations {

    /** Every script, in order. Append only; never edit a script that has shipped. */
    static final List<String> SCRIPTS = List.of("V1__store.sql", "V2__audit_object_index.sql", "V3__ui_session.sql",
            "V6__revocation.sql", "V7__tsa.sql", "V9__certificate_issued_index.sql", "V10__data_keys.sql",
            "V11__nodes.sql");

    private Migrations() {
    }

    static void apply(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, "
                        + "script VARCHAR(200) NOT NULL, sha256 VARCHAR(64) NOT NULL, applied_at BIGINT NOT NULL)");
            }
            Map<Integer, String> applied = new HashMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version, sha256 FROM schema_version")) {
                while (rs.next()) {
                    applied.put(rs.getInt(1), rs.getString(2));
                }
            }
            for (String script : SCRIPTS) {
                int version = version(script);
                String sql = load(script);
                String sha = sha256(sql);
                String known = applied.get(version);
                if (known != null) {
                    if (!known.equals(sha)) {
                        throw new StoreException("migration " + script + " changed after it was applied to this database");
                    }
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate(sql); // the SQLite driver runs every statement in the script
                }
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO schema_version (version, script, sha256, applied_at) VALUES (?, ?, ?, ?)")) {
                    p.setInt(1, version);
                    p.setString(2, script);
                    p.setString(3, sha);
                    p.setLong(4, System.currentTimeMillis());
                    p.executeUpdate();
                }
            }
            int newest = version(SCRIPTS.get(SCRIPTS.size() - 1));
            for (int v : applied.keySet()) {
                if (v > newest) {
                    throw new StoreException("the database has schema version " + v + ", newer than this program knows");
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /**
     * Checks, changing nothing, that every script has been applied unchanged and none newer: a
     * read-only node cannot migrate, so a full node of the same version must have done it.
     */
    static void check(Connection c) throws SQLException {
        Map<Integer, String> applied = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version, sha256 FROM schema_version")) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        for (String script : SCRIPTS) {
            String known = applied.remove(version(script));
            if (known == null) {
                throw new StoreException("the database lacks migration " + script + ": start a full node of this version first");
            }
            if (!known.equals(sha256(load(script)))) {
                throw new StoreException("migration " + script + " changed after it was applied to this database");
            }
        }
        if (!applied.isEmpty()) {
            throw new StoreException("the database has schema version " + applied.keySet() + ", newer than this program knows");
        }
    }

    static int version(String script) {
        int sep = script.indexOf("__");
        if (!script.startsWith("V") || sep < 2) {
            throw new IllegalStateException("bad migration name " + script);
        }
        return Integer.parseInt(script.substring(1, sep));
    }

    static String load(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + script, e);
        }
    }

    private static String sha256(String sql) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
