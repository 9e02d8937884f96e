package dev.signet.ca.store;

import dev.signet.ca.StoreException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema up to date with Flyway: {@code db/migration} holds the SQLite scripts,
 * {@code db/postgresql} their PostgreSQL translations under the same versions. On PostgreSQL
 * Flyway holds an advisory lock while it migrates, so two nodes starting at once apply each
 * script once. A script that changed after it was applied stops the start (Flyway validates
 * checksums): the schema would no longer be what the code was generated from.
 *
 * <p>SQLite files written before Flyway carry the versions in {@code schema_version}
 * ({@link LegacySchemaVersion}); they are baselined at their newest version, so only the
 * scripts after it run.
 */
final class Migrations {

    static final String HISTORY_TABLE = "flyway_schema_history";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    static void apply(DataSource source, Dialect dialect) {
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(source)
                .locations(dialect.migrations())
                .table(HISTORY_TABLE)
                .validateMigrationNaming(true)
                .cleanDisabled(true);
        try {
            if (dialect == Dialect.SQLITE) {
                Integer legacy = legacyVersion(source);
                if (legacy != null) {
                    flyway = flyway.baselineOnMigrate(true).baselineVersion(String.valueOf(legacy))
                            .baselineDescription("schema_version " + legacy + " (before Flyway)");
                }
            }
            MigrateResult result = flyway.load().migrate();
            if (result.migrationsExecuted > 0) {
                // Flyway's own lines are turned down (one per script on every open); this one stays.
                LOG.info("database schema: applied {} migration(s), now at version {}", result.migrationsExecuted,
                        result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StoreException("cannot bring the database schema up to date: " + e.getMessage(), e);
        }
    }

    /**
     * Checks, changing nothing, that every script of this program has been applied unchanged and no
     * newer one: a read-only node cannot migrate, so a full node of the same version must have.
     */
    static void check(DataSource source, Dialect dialect) {
        try {
            Flyway.configure().dataSource(source).locations(dialect.migrations()).table(HISTORY_TABLE).cleanDisabled(true)
                    .load().validate();
        } catch (FlywayException e) {
            throw new StoreException("the database schema is not this program's (start a full node of this version "
                    + "first): " + e.getMessage(), e);
        }
    }

    /** The version recorded by the old runner, if the file has its table and no Flyway history yet. */
    private static Integer legacyVersion(DataSource source) {
        try (Connection c = source.getConnection()) {
            if (!hasTable(c, LegacySchemaVersion.TABLE) || hasTable(c, HISTORY_TABLE)) {
                return null;
            }
            return LegacySchemaVersion.check(c);
        } catch (SQLException e) {
            throw new StoreException("cannot read the schema version: " + e.getMessage(), e);
        }
    }

    private static boolean hasTable(Connection c, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet r = meta.getTables(null, null, name, new String[] {"TABLE"})) {
            return r.next();
        }
    }

    /** For tests: the versions Flyway has recorded as applied (a baseline counts), in order. */
    static java.util.List<String> appliedVersions(Connection c) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT version FROM " + HISTORY_TABLE
                        + " WHERE success = TRUE AND version IS NOT NULL ORDER BY installed_rank")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
