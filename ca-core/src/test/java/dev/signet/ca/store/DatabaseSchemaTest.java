package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.AUDIT_ENTRY;
import static dev.signet.ca.store.schema.Tables.CA;
import static dev.signet.ca.store.schema.Tables.CERTIFICATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        try (Database db = Database.open(file)) {
            assertTrue(new CaStore(db).find("root").isPresent());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM schema_version")) {
            rs.next();
            assertEquals(Migrations.SCRIPTS.size(), rs.getInt(1));
        }
    }

    @Test
    void a_database_at_an_older_version_is_brought_up_to_date_on_open() throws SQLException {
        Path file = dir.resolve("signet.db");
        Database.open(file).close();
        // Make it look like a database written before V2 existed.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("DROP INDEX audit_entry_by_object");
            s.executeUpdate("DELETE FROM schema_version WHERE version = 2");
        }
        Database.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'audit_entry_by_object'")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM schema_version")) {
                rs.next();
                assertEquals(Migrations.SCRIPTS.size(), rs.getInt(1));
            }
        }
    }

    @Test
    void a_migration_changed_after_it_was_applied_stops_the_start() throws SQLException {
        Path file = dir.resolve("signet.db");
        Database.open(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE schema_version SET sha256 = 'ff' WHERE version = 1");
        }
        StoreException e = assertThrows(StoreException.class, () -> Database.open(file));
        assertTrue(e.getMessage().contains("V1__store.sql"), e.getMessage());
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
            assertTrue(e.getMessage().contains("UNIQUE") || e.getMessage().contains("PRIMARY KEY"), e.getMessage());
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
