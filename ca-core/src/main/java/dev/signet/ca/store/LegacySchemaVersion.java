package dev.signet.ca.store;

import dev.signet.ca.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The table {@code schema_version} of the runner that came before Flyway: one row per applied
 * script with its SHA-256. That runner applied its scripts in order, so the versions in a file are
 * always a prefix of {@link #SCRIPTS}; checking each against the script it names (same bytes) makes
 * the newest version a safe Flyway baseline.
 */
final class LegacySchemaVersion {

    static final String TABLE = "schema_version";

    /** Every script the old runner knew, in its order. Never extended: new scripts are Flyway's. */
    static final List<String> SCRIPTS = List.of("V1__store.sql", "V2__audit_object_index.sql", "V3__ui_session.sql",
            "V6__revocation.sql", "V7__tsa.sql", "V9__certificate_issued_index.sql", "V10__data_keys.sql");

    private LegacySchemaVersion() {
    }

    /** Checks the recorded versions and returns the newest. */
    static int check(Connection c) throws SQLException {
        Map<Integer, String> applied = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version, sha256 FROM " + TABLE)) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        int newest = 0;
        boolean gap = false;
        for (String script : SCRIPTS) {
            int version = version(script);
            String sha = applied.remove(version);
            if (sha == null) {
                gap = true;
                continue;
            }
            if (gap) {
                throw new StoreException("the database's schema_version skips scripts before " + script
                        + "; it was not written by Signet's runner");
            }
            if (!sha.equals(sha256(load(script)))) {
                throw new StoreException("migration " + script + " changed after it was applied to this database");
            }
            newest = version;
        }
        if (!applied.isEmpty()) {
            throw new StoreException("the database has schema version " + applied.keySet().iterator().next()
                    + ", newer than this program knows");
        }
        return newest;
    }

    static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    static String load(String script) {
        try (InputStream in = LegacySchemaVersion.class.getResourceAsStream("/db/migration/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + script, e);
        }
    }

    static String sha256(String sql) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
