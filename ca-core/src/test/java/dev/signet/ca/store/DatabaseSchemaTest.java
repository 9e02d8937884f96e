package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;
import static dev.signet.ca.store.schema.Tables.CA;
import static dev.signet.ca.store.schema.Tables.CERTIFICATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.StoreException;
import dev.signet.ca.store.schema.DefaultSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.jooq.Field;
import org.jooq.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** About the SQLite file itself; the PostgreSQL side has PostgresDatabaseTest. */
@org.junit.jupiter.api.Tag("sqlite-only")
class DatabaseSchemaTest {

    @TempDir
    Path dir;

    @Test
    void migrations_build_the_schema_the_generated_classes_describe() throws SQLException {
        Path file = dir.resolve("signet.db");
        try (Database db = Database.open(file)) {
            db.write(w -> {
                w.tx().executeInsert(CaStore.toRow(w, Fixtures.rootCa("root")));
                return null;
            });
            String name = db.read(dsl -> dsl.select(CA.NAME).from(CA).where(CA.ID.eq("root")).fetchOne(CA.NAME));
            assertEquals("Root root", name);
            assertEquals(0, (int) db.read(dsl -> dsl.fetchCount(CERTIFICATE)));
        }
        // Every generated table and column exists in the migrated file with the same nullability.
        List<String> problems = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            for (Table<?> table : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
                TreeSet<String> actual = new TreeSet<>();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("PRAGMA table_info(" + table.getName() + ")")) {
                    while (rs.next()) {
                        String col = rs.getString("name");
                        boolean notNull = rs.getInt("notnull") == 1 || rs.getInt("pk") > 0;
                        actual.add(col + (notNull ? " not null" : ""));
                    }
                }
                TreeSet<String> generated = new TreeSet<>();
                for (Field<?> f : table.fields()) {
                    generated.add(f.getName() + (f.getDataType().nullable() ? "" : " not null"));
                }
                if (!actual.equals(generated)) {
                    problems.add(table.getName() + ": database " + actual + " vs generated " + generated);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void database_runs_in_wal_mode_with_foreign_keys_busy_timeout_and_full_sync() {
        try (Database db = Database.open(dir.resolve("signet.db"))) {
            assertEquals("wal", db.read(dsl -> dsl.fetchValue("PRAGMA journal_mode").toString()).toLowerCase(Locale.ROOT));
            assertEquals("1", db.read(dsl -> dsl.fetchValue("PRAGMA foreign_keys").toString()));
            assertEquals("2", db.read(dsl -> dsl.fetchValue("PRAGMA synchronous").toString()));
            assertEquals("10000", db.read(dsl -> dsl.fetchValue("PRAGMA busy_timeout").toString()));
            // and the writer connection too
            assertEquals("1", db.write(w -> w.tx().fetchValue("PRAGMA foreign_keys").toString()));
            assertEquals("2", db.write(w -> w.tx().fetchValue("PRAGMA synchronous").toString()));
        }
    }

    @Test
    void reopening_keeps_data_and_applies_no_migration_twice() throws SQLException {
        Path file = dir.resolve("signet.db");
        try (Database db = Database.open(file)) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
        }
        List<String> first;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            first = Migrations.appliedVersions(c);
        }
        try (Database db = Database.open(file)) {
            assertTrue(new CaStore(db).find("root").isPresent());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertEquals(first, Migrations.appliedVersions(c));
            assertTrue(first.containsAll(List.of("1", "2", "3", "6", "7", "9", "10")), first.toString());
        }
    }

    @Test
    void a_database_written_by_the_runner_before_flyway_is_baselined_and_brought_up_to_date() throws SQLException {
        Path file = dir.resolve("signet.db");
        // What the old runner left after its first three scripts, with a CA in it.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, script VARCHAR(200) NOT NULL, "
                    + "sha256 VARCHAR(64) NOT NULL, applied_at BIGINT NOT NULL)");
            for (String script : LegacySchemaVersion.SCRIPTS.subList(0, 3)) {
                String sql = LegacySchemaVersion.load(script);
                s.executeUpdate(sql);
                s.executeUpdate("INSERT INTO schema_version VALUES (" + LegacySchemaVersion.version(script) + ", '" + script
                        + "', '" + LegacySchemaVersion.sha256(sql) + "', 0)");
            }
            s.executeUpdate("INSERT INTO ca (id, name, status, key_label, key_backend, key_algorithm, created_at) "
                    + "VALUES ('old', 'Old CA', 'pending', 'k', 'software', 'EC_P256', 0)");
        }
        try (Database db = Database.open(file)) {
            assertEquals("Old CA", new CaStore(db).find("old").orElseThrow().name());
            // V6 (revocation) ran: its table exists and answers.
            assertEquals(0, (int) db.read(dsl -> dsl.fetchCount(dev.signet.ca.store.schema.Tables.REVOCATION_STATE)));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            List<String> applied = Migrations.appliedVersions(c);
            assertEquals("3", applied.get(0), "baselined at the old runner's newest version: " + applied);
            assertTrue(applied.containsAll(List.of("6", "7", "9", "10")), applied.toString());
            assertTrue(!applied.contains("1") && !applied.contains("2"), applied.toString());
        }
        // and it opens again like any other
        Database.open(file).close();
    }

    @Test
    void a_database_of_the_old_runner_whose_script_changed_is_refused() throws SQLException {
        Path file = dir.resolve("signet.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, script VARCHAR(200) NOT NULL, "
                    + "sha256 VARCHAR(64) NOT NULL, applied_at BIGINT NOT NULL)");
            s.executeUpdate(LegacySchemaVersion.load("V1__store.sql"));
            s.executeUpdate("INSERT INTO schema_version VALUES (1, 'V1__store.sql', 'ff', 0)");
        }
        StoreException e = assertThrows(StoreException.class, () -> Database.open(file));
        assertTrue(e.getMessage().contains("V1__store.sql"), e.getMessage());
    }

    @Test
    void a_migration_changed_after_it_was_applied_stops_the_start() throws SQLException {
        Path file = dir.resolve("signet.db");
        Database.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
        }
        StoreException e = assertThrows(StoreException.class, () -> Database.open(file));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("version 1"), e.getMessage());
    }

    @Test
    void the_schema_itself_refuses_a_second_certificate_with_the_same_ca_and_serial() throws SQLException {
        Path file = dir.resolve("signet.db");
        try (Database db = Database.open(file)) {
            new CaStore(db).create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            String insert = "INSERT INTO certificate (ca_id, serial, status, profile, requester, reserved_at) "
                    + "VALUES ('root', 'abc', 'reserved', 'tls-server', 'alice', 0)";
            s.executeUpdate(insert);
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate(insert));
            assertEquals(SqlErrors.UNIQUE_VIOLATION, SqlErrors.of(e), e.getMessage());
            // and a 'valid' row without its DER is refused too
            assertThrows(SQLException.class, () -> s.executeUpdate(
                    "INSERT INTO certificate (ca_id, serial, status, profile, requester, reserved_at) "
                            + "VALUES ('root', 'abd', 'valid', 'tls-server', 'alice', 0)"));
        }
    }

    @Test
    void the_audit_table_is_empty_on_a_fresh_database() {
        try (Database db = Database.open(dir.resolve("signet.db"))) {
            assertEquals(0, (int) db.read(dsl -> dsl.fetchCount(AUDIT_ENTRY)));
        }
    }
}
