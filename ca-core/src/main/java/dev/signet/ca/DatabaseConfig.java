package dev.signet.ca;

import dev.signet.hsm.SecretSource;
import java.nio.file.Path;
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
     */
    record Postgres(String url, String user, SecretSource password) implements DatabaseConfig {
        public static final String URL_PREFIX = "jdbc:postgresql://";

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
        }

        @Override
        public String describe() {
            return url + " as " + user;
        }

        @Override
        public String toString() {
            return "Postgres[" + describe() + ", password from " + password + "]";
        }
    }
}
