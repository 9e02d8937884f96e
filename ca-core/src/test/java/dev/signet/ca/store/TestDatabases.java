package dev.signet.ca.store;

import dev.signet.ca.DatabaseConfig;
import dev.signet.hsm.SecretSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The database the store and CA tests run on: the SQLite file they name, or, when the build runs
 * them again with {@code -Dsignet.test.database=postgres} (ca-core's "postgres" test execution),
 * a PostgreSQL schema of its own for each file name, at {@code -Dsignet.test.postgresUrl}
 * ({@code ./test} starts a private server and passes it). A missing URL fails the tests: PostgreSQL
 * support is tested in CI, never silently skipped.
 */
public final class TestDatabases {

    public static final String ENGINE = "signet.test.database";
    public static final String POSTGRES_URL = "signet.test.postgresUrl";
    private static final String USER = System.getProperty("signet.test.postgresUser", "postgres");
    private static final Map<Path, String> SCHEMAS = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    private TestDatabases() {
    }

    public static boolean postgres() {
        return "postgres".equals(System.getProperty(ENGINE));
    }

    /** The PostgreSQL server's URL (of the test database); fails if the build did not pass one. */
    public static String postgresUrl() {
        String url = System.getProperty(POSTGRES_URL, System.getenv("SIGNET_TEST_POSTGRES_URL"));
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("no PostgreSQL for the tests: ./test starts one and passes -D" + POSTGRES_URL
                    + "=jdbc:postgresql://...; to leave the PostgreSQL runs out locally, build with -DskipPostgres");
        }
        return url;
    }

    public static Database open(Path file) {
        return open(file, StoreSettings.defaults());
    }

    public static Database open(Path file, StoreSettings settings) {
        return Database.open(config(file), settings);
    }

    /** The database behind {@code file}: the file itself, or the PostgreSQL schema kept for it. */
    public static DatabaseConfig config(Path file) {
        if (!postgres()) {
            return DatabaseConfig.sqlite(file);
        }
        return postgresConfig(schema(file));
    }

    /** A PostgreSQL configuration for one schema of the test server (created if needed). */
    public static DatabaseConfig.Postgres postgresConfig(String schema) {
        String base = postgresUrl();
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new DatabaseConfig.Postgres(url, USER, new SecretSource.Env("P", Map.of("P", "unused: trust authentication")));
    }

    /** A plain JDBC connection to the same database as {@code file}'s, for tests that look under the store. */
    public static Connection connect(Path file) throws SQLException {
        if (!postgres()) {
            return DriverManager.getConnection("jdbc:sqlite:" + file);
        }
        DatabaseConfig.Postgres pg = postgresConfig(schema(file));
        return DriverManager.getConnection(pg.url(), USER, "");
    }

    /** A new, empty schema on the test server. */
    public static String newSchema() {
        String schema = "t_" + RUN + "_" + NEXT.incrementAndGet();
        try (Connection c = DriverManager.getConnection(postgresUrl(), USER, ""); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema + " at " + postgresUrl() + ": " + e.getMessage(), e);
        }
        return schema;
    }

    private static String schema(Path file) {
        return SCHEMAS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> newSchema());
    }
}
