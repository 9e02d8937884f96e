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
 */
final class PostgresConnections implements Connections {

    /** How long a reader waits for a connection: {@code /health} must answer "down" promptly. */
    private static final long CONNECT_TIMEOUT_MILLIS = 3_000;

    private final PGSimpleDataSource direct;
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
        direct = new PGSimpleDataSource();
        direct.setUrl(config.url());
        direct.setUser(config.user());
        direct.setPassword(password);
        direct.setApplicationName("signet");
        direct.setConnectTimeout((int) (CONNECT_TIMEOUT_MILLIS / 1000));
        direct.setTcpKeepAlive(true);

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

    /** One plain connection outside the pools (the start lock's), in auto-commit mode. */
    static Connection single(DatabaseConfig.Postgres config) throws SQLException {
        char[] secret = config.password().read();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(config.url());
        source.setUser(config.user());
        source.setPassword(new String(secret));
        java.util.Arrays.fill(secret, '\0');
        source.setApplicationName("signet-start");
        source.setConnectTimeout((int) (CONNECT_TIMEOUT_MILLIS / 1000));
        return source.getConnection();
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
        return direct;
    }

    @Override
    public void close() {
        readPool.close();
    }
}
