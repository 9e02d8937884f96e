package dev.signet.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEntry;
import dev.signet.ca.store.AccessStore;
import dev.signet.ca.Storage;
import dev.signet.ca.store.Database;
import dev.signet.ca.UserRecord;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logged-in sessions are kept in the database: they outlive a restart, end there at logout and when
 * a user is disabled, are stored only as the hash of the cookie, and a visitor of the login page
 * writes nothing. Real servers on port 0 over one data directory, restarted within a test.
 */
class UiDurableSessionsTest {

    static final String PASSWORD = "durable sessions password";

    @TempDir
    Path data;

    @Test
    void a_logged_in_session_survives_a_restart_and_its_forms_still_post() throws Exception {
        String admin;
        String cookie;
        String csrf;
        UiServer first = UiServer.start(data);
        try {
            admin = first.adminPassword;
            first.createUser("kept-user", PASSWORD, "auditor");
            cookie = first.login("admin", admin);
            csrf = UiServer.csrf(first.get("/ui/users", cookie).body());
        } finally {
            first.close();
        }
        UiServer second = UiServer.restart(data, admin);
        try {
            HttpResponse<String> users = second.get("/ui/users", cookie);
            assertEquals(200, users.statusCode(), "the session from before the restart still works");
            assertEquals(csrf, UiServer.csrf(users.body()), "with the same CSRF token");
            assertEquals(403, second.postForm("/ui/users/kept-user/disable", cookie, Map.of("_csrf", "not-the-token")).statusCode());
            HttpResponse<String> disable = second.postForm("/ui/users/kept-user/disable", cookie, Map.of("_csrf", csrf));
            assertEquals(303, disable.statusCode());
            assertEquals("/ui/users", disable.headers().firstValue("Location").orElse(""));
            assertTrue(second.server.services().access().findUser("kept-user").orElseThrow().disabled());
        } finally {
            second.close();
        }
    }

    @Test
    void logging_out_ends_the_stored_session_and_a_restart_does_not_bring_it_back() throws Exception {
        String admin;
        String leaving;
        String staying;
        UiServer first = UiServer.start(data);
        try {
            admin = first.adminPassword;
            leaving = first.login("admin", admin);
            staying = first.login("admin", admin);
            assertEquals(1, rowsWithHashOf(first, leaving));
            String csrf = UiServer.csrf(first.get("/ui", leaving).body());
            assertEquals(303, first.postForm("/ui/logout", leaving, Map.of("_csrf", csrf)).statusCode());
            assertEquals(0, rowsWithHashOf(first, leaving));
            assertEquals(1, rowsWithHashOf(first, staying));
            List<AuditEntry> entries = first.server.services().auditLog().list(0, 200).items();
            assertTrue(entries.stream().anyMatch(e -> e.action().equals("logout") && e.objectId().equals("admin")));
        } finally {
            first.close();
        }
        UiServer second = UiServer.restart(data, admin);
        try {
            HttpResponse<String> after = second.get("/ui", leaving);
            assertEquals(303, after.statusCode());
            assertTrue(after.headers().firstValue("Location").orElse("").startsWith("/ui/login"));
            assertEquals(200, second.get("/ui", staying).statusCode());
        } finally {
            second.close();
        }
    }

    @Test
    void disabling_a_user_ends_their_stored_sessions_and_a_disabled_user_is_refused_after_a_restart() throws Exception {
        String admin;
        String offline;
        Path file;
        UiServer first = UiServer.start(data);
        try {
            admin = first.adminPassword;
            file = first.server.services().database().file();
            first.createUser("disabled-online", PASSWORD, "auditor");
            first.createUser("disabled-offline", PASSWORD, "auditor");
            String victim = first.login("disabled-online", PASSWORD);
            first.login("disabled-online", PASSWORD);
            offline = first.login("disabled-offline", PASSWORD);
            assertEquals(2, rowsOf(first, "disabled-online"));
            String adminCookie = first.login("admin", admin);
            String csrf = UiServer.csrf(first.get("/ui/users", adminCookie).body());
            assertEquals(303, first.postForm("/ui/users/disabled-online/disable", adminCookie, Map.of("_csrf", csrf)).statusCode());
            assertEquals(0, rowsOf(first, "disabled-online"), "both sessions ended in the database");
            assertEquals(303, first.get("/ui", victim).statusCode());
        } finally {
            first.close();
        }
        // Disabled while the server is down, straight in the store (as another node or a script would).
        try (Database db = Database.open(file)) {
            AccessStore access = new AccessStore(db);
            UserRecord u = access.findUser("disabled-offline").orElseThrow();
            access.updateUser(new UserRecord(u.username(), u.passwordHash(), u.role(), u.created(), true), "test");
        }
        UiServer second = UiServer.restart(data, admin);
        try {
            assertEquals(1, rowsOf(second, "disabled-offline"));
            HttpResponse<String> refused = second.get("/ui", offline);
            assertEquals(303, refused.statusCode());
            assertTrue(refused.headers().firstValue("Location").orElse("").startsWith("/ui/login"));
            assertEquals(0, rowsOf(second, "disabled-offline"), "the refused session is ended");
        } finally {
            second.close();
        }
    }

    @Test
    void the_database_holds_only_the_hash_of_the_session_cookie() throws Exception {
        String cookie;
        Path file;
        UiServer server = UiServer.start(data);
        try {
            file = server.server.services().database().file();
            cookie = server.login("admin", server.adminPassword);
            assertEquals(1, rowsWithHashOf(server, cookie));
            assertEquals(List.of(), query(server, "SELECT id_hash FROM ui_session WHERE id_hash = ?", cookie));
            // Read while the server runs too: the WAL holds the newest pages.
            assertFileLacks(file, cookie);
        } finally {
            server.close();
        }
        assertFileLacks(file, cookie);
    }

    @Test
    void fetching_the_login_page_writes_nothing_to_the_database() throws Exception {
        UiServer server = UiServer.start(data);
        try {
            Storage db = server.server.services().database();
            long commits = db.commitCount();
            int checkpoints = count(server, "audit_checkpoint");
            int entries = count(server, "audit_entry");
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> form = server.get("/ui/login", null);
                assertEquals(200, form.statusCode());
                assertTrue(UiServer.sessionCookie(form).isPresent(), "each visitor gets a pre-login session");
            }
            // The only commit allowed meanwhile is the audit checkpoint the writer signs on its own
            // within a minute of the first start's entries.
            assertEquals(count(server, "audit_checkpoint") - checkpoints, db.commitCount() - commits,
                    "no write for a visitor of the login page");
            assertEquals(entries, count(server, "audit_entry"));
            assertEquals(List.of(), query(server, "SELECT id_hash FROM ui_session"));
        } finally {
            server.close();
        }
    }

    private static void assertFileLacks(Path file, String cookie) throws Exception {
        for (String suffix : new String[] {"", "-wal"}) {
            Path f = Path.of(file + suffix);
            if (Files.exists(f)) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains(cookie), f + " holds the session cookie");
            }
        }
    }

    private static int rowsWithHashOf(UiServer server, String cookie) throws Exception {
        return query(server, "SELECT id_hash FROM ui_session WHERE id_hash = ?", sha256(cookie)).size();
    }

    private static int count(UiServer server, String table) throws Exception {
        return Integer.parseInt(query(server, "SELECT count(*) FROM " + table).get(0));
    }

    private static int rowsOf(UiServer server, String username) throws Exception {
        return query(server, "SELECT id_hash FROM ui_session WHERE username = ?", username).size();
    }

    /** Reads the server's database file over a connection of its own, as an outsider would. */
    private static List<String> query(UiServer server, String sql, String... args) throws Exception {
        Path file = server.server.services().database().file();
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setString(i + 1, args[i]);
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
