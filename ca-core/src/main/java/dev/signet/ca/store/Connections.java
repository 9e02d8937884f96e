package dev.signet.ca.store;

import dev.signet.ca.DatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.conf.Settings;

/**
 * Where a {@link Database} gets its connections: the writer's (one at a time, reopened after the
 * database went away), the readers' (a pool), and one for the migrations.
 */
interface Connections extends AutoCloseable {

    Dialect dialect();

    /** A new connection for the writer thread, in manual-commit mode. */
    Connection openWriter() throws SQLException;

    /** Runs {@code work} on a read connection and gives the connection back. */
    <T> T onReader(Function<DSLContext, T> work);

    /** Connections for Flyway (which closes what it opens). */
    DataSource migrations();

    @Override
    void close();

    static Connections open(DatabaseConfig config, StoreSettings settings) throws SQLException {
        if (config instanceof DatabaseConfig.Postgres pg) {
            return new PostgresConnections(pg, settings);
        }
        return new SqliteConnections(((DatabaseConfig.Sqlite) config).file(), settings);
    }

    static Settings jooqSettings() {
        return new Settings().withExecuteLogging(false).withRenderSchema(false);
    }
}
