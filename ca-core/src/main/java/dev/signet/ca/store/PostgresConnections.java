package dev.signet.ca.store;

import dev.signet.ca.DatabaseConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.signet.ca.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL connections: the readers share a HikariCP pool (read-only, repeatable read, so that
 * the statements of one read see one snapshot); the writer and Flyway open plain connections, the
 * writer one at a time for as long as it stays up. The password is read once, here, and goes to
 * the driver only; it never appears in a URL, a log line or a message.
 *
 * <p>The readers, the writer and the start lock wait at most the configured socket timeout
 * ({@link DatabaseConfig.Postgres#socketTimeout()}) for the server to answer: when it times out,
 * the driver closes the connection, so the read fails as "database unavailable" and the pool drops
 * the connection, or the writer's batch fails and the writer reconnects with the next one. Flyway's
 * connections have no such bound: a migration may legitimately run for minutes on a large table.
 */
final class PostgresConnections implements Connections {

    /** How long a reader waits for a connection: {@code /health} must answer "down" promptly. */
    private static final long CONNECT_TIMEOUT_MILLIS = 3_000;

    private final PGSimpleDataSource direct;
    private final PGSimpleDataSource migrations;
    private final HikariDataSource readPool;
    private final DSLContext readers;

    PostgresConnections(DatabaseConfig.Postgres config, StoreSettings settings) {
        char[] secret;
        try {
            secret = config.password().read();
        } catch (RuntimeException e) {
            throw new StoreException("cannot read the database password (" + config.password() + "): " + e.getMessage(), e);
        }
        String password = new String(secret);
        java.util.Arrays.fill(secret, '\0');
        direct = source(config, password, "signet");
        direct.setSocketTimeout(socketTimeoutSeconds(config));
        migrations = source(config, password, "signet-migrate");

        HikariConfig pool = new HikariConfig();
        pool.setPoolName("signet-read");
        pool.setDataSource(direct);
        pool.setMaximumPoolSize(Math.max(2, settings.readConnections()));
        pool.setMinimumIdle(1);
        pool.setReadOnly(true);
        pool.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        pool.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
        pool.setValidationTimeout(1_000);
        // Start even if the database is down for a moment; reads fail until it is back.
        pool.setInitializationFailTimeout(-1);
        readPool = new HikariDataSource(pool);
        readers = DSL.using(readPool, Dialect.POSTGRES.jooq(), Connections.jooqSettings());
    }

    /**
     * One plain connection outside the pools (the start lock's), in auto-commit mode, with the
     * socket timeout: its statements must never wait on the server for longer (see {@link StartLock}).
     */
    static Connection single(DatabaseConfig.Postgres config) throws SQLException {
        char[] secret = config.password().read();
        PGSimpleDataSource source = source(config, new String(secret), "signet-start");
        java.util.Arrays.fill(secret, '\0');
        source.setSocketTimeout(socketTimeoutSeconds(config));
        return source.getConnection();
    }

    private static PGSimpleDataSource source(DatabaseConfig.Postgres config, String password, String applicationName) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(config.url());
        source.setUser(config.user());
        source.setPassword(password);
        source.setApplicationName(applicationName);
        source.setConnectTimeout((int) (CONNECT_TIMEOUT_MILLIS / 1000));
        // Keepalive notices a peer that vanished while a connection sits idle (the kernel's own
        // interval, typically hours); the socket timeout is what bounds a statement in flight.
        source.setTcpKeepAlive(true);
        return source;
    }

    private static int socketTimeoutSeconds(DatabaseConfig.Postgres config) {
        return (int) Math.min(Integer.MAX_VALUE, config.socketTimeout().toSeconds());
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public Connection openWriter() throws SQLException {
        Connection c = direct.getConnection();
        c.setAutoCommit(false);
        return c;
    }

    @Override
    public <T> T onReader(Function<DSLContext, T> work) {
        return work.apply(readers);
    }

    @Override
    public DataSource migrations() {
        return migrations;
    }

    @Override
    public void close() {
        readPool.close();
    }
}
