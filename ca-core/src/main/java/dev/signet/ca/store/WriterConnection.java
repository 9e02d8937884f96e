package dev.signet.ca.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread's connection with its prepared statements. Opened on first use and kept;
 * after a batch failed because the connection is gone (the database restarted, the network
 * dropped), it is closed and the next batch opens a new one, so the writer outlives the outage.
 * Used only by the writer thread.
 */
final class WriterConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriterConnection.class);

    private final Connections connections;
    private Connection connection;
    private DSLContext dsl;
    private HotStatements hot;

    WriterConnection(Connections connections) {
        this.connections = connections;
    }

    /** Opens the connection if there is none. */
    void open() throws SQLException {
        if (connection != null) {
            return;
        }
        Connection c = connections.openWriter();
        try {
            DSLContext d = DSL.using(c, connections.dialect().jooq(), Connections.jooqSettings());
            hot = new HotStatements(c, d, connections.dialect());
            dsl = d;
            connection = c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    DSLContext dsl() {
        return dsl;
    }

    HotStatements hot() {
        return hot;
    }

    /** After a failed batch: drops the connection if the failure says it is gone, or if it no longer answers. */
    void afterFailure(Throwable failure) {
        if (connection == null) {
            return;
        }
        boolean gone = SqlErrors.is(failure, SqlErrors.CONNECTION);
        if (!gone) {
            try {
                gone = !connection.isValid(2);
            } catch (SQLException e) {
                gone = true;
            }
        }
        if (gone) {
            LOG.warn("the database connection of the writer is lost; the next write reconnects");
            close();
        }
    }

    @Override
    public void close() {
        if (hot != null) {
            hot.close();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is gone anyway
            }
        }
        hot = null;
        dsl = null;
        connection = null;
    }
}
