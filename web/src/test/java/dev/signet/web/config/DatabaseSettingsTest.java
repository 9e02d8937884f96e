package dev.signet.web.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.signet.ca.DatabaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {

    @TempDir
    Path dir;

    private SignetConfig load(Map<String, String> env, String yaml) throws Exception {
        Path file = dir.resolve("signet.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).load(file, dir, null);
    }

    private ConfigException refused(Map<String, String> env, String yaml) throws Exception {
        Path file = dir.resolve("signet.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> new ConfigLoader(env).load(file, dir, null));
    }

    @Test
    void a_postgresql_url_selects_postgresql_with_the_password_from_the_environment() throws Exception {
        SignetConfig c = load(Map.of("DBPW", "s3cret-pw"), """
                database:
                  url: jdbc:postgresql://127.0.0.1:5432/signet
                  user: signet
                  passwordEnv: DBPW
                """);
        DatabaseConfig.Postgres pg = assertInstanceOf(DatabaseConfig.Postgres.class, c.database());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/signet", pg.url());
        assertEquals("signet", pg.user());
        assertEquals("s3cret-pw", new String(pg.password().read()));
        assertNull(c.databaseFile());
        assertFalse(pg.toString().contains("s3cret-pw"), pg.toString());
        assertFalse(c.toString().contains("s3cret-pw"), "the whole configuration prints no password");
    }

    @Test
    void the_password_may_come_from_a_file() throws Exception {
        Path secret = dir.resolve("db-password");
        Files.writeString(secret, "from-a-file\n");
        SignetConfig c = load(Map.of(), """
                database:
                  url: jdbc:postgresql://db:5432/signet
                  user: signet
                  passwordFile: %s
                """.formatted(secret));
        assertEquals("from-a-file", new String(((DatabaseConfig.Postgres) c.database()).password().read()));
    }

    @Test
    void without_a_url_the_database_is_the_sqlite_file_of_the_data_directory() throws Exception {
        SignetConfig c = load(Map.of(), "server:\n  port: 8080\n");
        assertEquals(dir.resolve("signet.db"), assertInstanceOf(DatabaseConfig.Sqlite.class, c.database()).file());
    }

    @Test
    void incomplete_or_contradictory_database_settings_are_refused_by_name() throws Exception {
        assertEquals("database.user", refused(Map.of("P", "x"), """
                database:
                  url: jdbc:postgresql://db:5432/signet
                  passwordEnv: P
                """).setting());
        assertEquals("database.passwordEnv", refused(Map.of(), """
                database:
                  url: jdbc:postgresql://db:5432/signet
                  user: signet
                """).setting());
        assertEquals("database.passwordEnv", refused(Map.of(), """
                database:
                  url: jdbc:postgresql://db:5432/signet
                  user: signet
                  passwordEnv: NOT_SET_ANYWHERE
                """).setting());
        assertEquals("database.url", refused(Map.of("P", "x"), """
                database:
                  url: jdbc:mysql://db:3306/signet
                  user: signet
                  passwordEnv: P
                """).setting());
        assertEquals("database.url", refused(Map.of("P", "x"), """
                database:
                  url: jdbc:postgresql://db:5432/signet?password=oops
                  user: signet
                  passwordEnv: P
                """).setting());
        assertEquals("database.file", refused(Map.of("P", "x"), """
                database:
                  url: jdbc:postgresql://db:5432/signet
                  file: signet.db
                  user: signet
                  passwordEnv: P
                """).setting());
        assertEquals("database.user", refused(Map.of(), """
                database:
                  user: signet
                """).setting());
    }

    @Test
    void the_socket_timeout_is_30_s_unless_set_and_bounded() throws Exception {
        String base = """
                database:
                  url: jdbc:postgresql://db:5432/signet
                  user: signet
                  passwordEnv: P
                """;
        DatabaseConfig.Postgres plain = (DatabaseConfig.Postgres) load(Map.of("P", "x"), base).database();
        assertEquals(java.time.Duration.ofSeconds(30), plain.socketTimeout());
        DatabaseConfig.Postgres set = (DatabaseConfig.Postgres) load(Map.of("P", "x"), base + "  socketTimeoutSeconds: 120\n")
                .database();
        assertEquals(java.time.Duration.ofSeconds(120), set.socketTimeout());
        // Below 5 s a busy database would fail writes that merely waited behind another node's batch.
        assertEquals("database.socketTimeoutSeconds", refused(Map.of("P", "x"), base + "  socketTimeoutSeconds: 1\n").setting());
        assertEquals("database.socketTimeoutSeconds", refused(Map.of("P", "x"), base + "  socketTimeoutSeconds: 0\n").setting());
        assertEquals("database.socketTimeoutSeconds", refused(Map.of(), """
                database:
                  socketTimeoutSeconds: 30
                """).setting(), "SQLite has no socket");
    }
}
