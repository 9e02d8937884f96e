package dev.signet.ca;

import dev.signet.hsm.SecretSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Which database the stores use: the embedded SQLite file (the default, one process), or a
 * PostgreSQL server that several Signet nodes share. {@link #toString()} never shows a password.
 */
public sealed interface DatabaseConfig {

    /** A short description for logs and messages: the file, or the URL and user (no password). */
    String describe();

    static DatabaseConfig sqlite(Path file) {
        return new Sqlite(file);
    }

    /** The SQLite file of one process. */
    record Sqlite(Path file) implements DatabaseConfig {
        public Sqlite {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String describe() {
            return file.toString();
        }
    }

    /**
     * A PostgreSQL database: {@code jdbc:postgresql://HOST:PORT/DB}; the password is read from its
     * source when the database is opened (an environment variable or a file, never the URL).
     *
     * <p>{@code socketTimeout} bounds how long a statement of the readers, the writer or the start
     * lock waits for the server to say anything: a server that stops answering (stopped, or cut off
     * by the network with no reset) then fails the request with "database unavailable" instead of
     * holding its thread forever. It must stay above the longest wait that is legitimate: the
     * writer's advisory lock behind another node's group-commit batch, and the first answer of a
     * large query (the CRL entries of a CA are fetched 4,096 rows per round trip, each one quick).
     * Migrations are not bounded by it: a schema change over a large table may run for minutes.
     */
    record Postgres(String url, String user, SecretSource password, Duration socketTimeout) implements DatabaseConfig {
        public static final String URL_PREFIX = "jdbc:postgresql://";
        /** The default of {@code database.socketTimeoutSeconds}. */
        public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);

        /** With {@link #DEFAULT_SOCKET_TIMEOUT}. */
        public Postgres(String url, String user, SecretSource password) {
            this(url, user, password, DEFAULT_SOCKET_TIMEOUT);
        }

        public Postgres {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith(URL_PREFIX)) {
                throw new IllegalArgumentException("a PostgreSQL URL starts with " + URL_PREFIX);
            }
            if (url.contains("password=")) {
                // It would end up in logs and process listings; the password has its own settings.
                throw new IllegalArgumentException("the URL must not carry the password: use database.passwordEnv or database.passwordFile");
            }
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(socketTimeout, "socketTimeout");
            if (socketTimeout.toSeconds() < 1 || socketTimeout.toNanos() % 1_000_000_000L != 0) {
                // The driver counts in whole seconds, and 0 would mean no bound at all.
                throw new IllegalArgumentException("the socket timeout is a whole number of seconds, at least 1, not " + socketTimeout);
            }
        }

        /** The same database with another socket timeout. */
        public Postgres withSocketTimeout(Duration timeout) {
            return new Postgres(url, user, password, timeout);
        }

        @Override
        public String describe() {
            return url + " as " + user;
        }

        @Override
        public String toString() {
            return "Postgres[" + describe() + ", password from " + password + ", socket timeout " + socketTimeout.toSeconds() + " s]";
        }
    }
}
