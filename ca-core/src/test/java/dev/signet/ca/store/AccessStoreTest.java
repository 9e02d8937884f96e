package dev.signet.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AlreadyExistsException;
import dev.signet.ca.ApiToken;
import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.IssuedToken;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.Page;
import dev.signet.ca.UserRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessStoreTest {

    @TempDir
    Path dir;

    private Database db;
    private AccessStore access;
    private AuditLog audit;

    @BeforeEach
    void open() {
        db = TestDatabases.open(dir.resolve("signet.db"));
        access = new AccessStore(db);
        audit = new AuditLog(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void a_created_token_is_found_by_its_secret_and_only_its_hash_is_stored() throws Exception {
        // Granted identities must exist: two certificates of CA "doc" ({caId}.{serial}).
        new CaStore(db).create(Fixtures.rootCa("doc"), AuditEvent.of("admin", "ca.create", "ca", "doc"));
        for (String serial : new String[] {"1", "2"}) {
            new CertificateStore(db).store(Fixtures.cert("doc", serial), Fixtures.issued("doc", serial));
        }
        IssuedToken issued = access.createToken("ci", "signer", Set.of("doc.1", "doc.2"), null, "admin");
        assertTrue(issued.secret().startsWith("sgt_"));
        assertFalse(issued.toString().contains(issued.secret()));

        ApiToken found = access.findBySecret(issued.secret()).orElseThrow();
        assertEquals(issued.token().id(), found.id());
        assertEquals("signer", found.role());
        assertEquals(Set.of("doc.1", "doc.2"), found.identities());
        assertThrows(InvalidRecordException.class, () -> access.createToken("ghost", "signer", Set.of("doc.3"), null, "admin"));
        assertTrue(found.activeAt(Instant.now()));
        assertTrue(access.findBySecret(issued.secret() + "x").isEmpty());

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(issued.secret().getBytes(StandardCharsets.UTF_8)));
        assertEquals(found.id(), access.findByHash(sha).orElseThrow().id());
        db.close();
        // Nowhere in the database file (or its WAL) is the secret itself.
        for (String suffix : new String[] {"", "-wal"}) {
            Path f = Path.of(dir.resolve("signet.db") + suffix);
            if (Files.exists(f)) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains(issued.secret().substring(4)), f + " holds the token");
            }
        }
        try (Connection c = TestDatabases.connect(dir.resolve("signet.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT token_hash FROM api_token")) {
            rs.next();
            assertEquals(sha, rs.getString(1));
        }
        db = TestDatabases.open(dir.resolve("signet.db"));
    }

    @Test
    void revoked_and_expired_tokens_are_not_active() {
        Instant past = Instant.now().minusSeconds(60);
        IssuedToken expired = access.createToken("old", "auditor", Set.of(), past, "admin");
        assertFalse(access.findBySecret(expired.secret()).orElseThrow().activeAt(Instant.now()));

        IssuedToken t = access.createToken("ops", "officer", Set.of(), null, "admin");
        access.revokeToken(t.token().id(), "admin");
        ApiToken revoked = access.findBySecret(t.secret()).orElseThrow();
        assertFalse(revoked.activeAt(Instant.now()));
        assertThrows(NotFoundException.class, () -> access.revokeToken("no-such-id", "admin"));
    }

    @Test
    void a_revocation_shows_at_once_through_the_same_store_and_within_the_cache_ttl_through_another() {
        long[] now = {0};
        AccessStore server = new AccessStore(db, () -> now[0]);
        AccessStore cli = new AccessStore(db, () -> now[0]);
        IssuedToken a = server.createToken("a", "officer", Set.of(), null, "admin");
        IssuedToken b = server.createToken("b", "officer", Set.of(), null, "admin");
        assertTrue(server.findBySecret(a.secret()).orElseThrow().activeAt(Instant.now()));
        assertTrue(server.findBySecret(b.secret()).orElseThrow().activeAt(Instant.now()));

        server.revokeToken(a.token().id(), "admin");
        assertFalse(server.findBySecret(a.secret()).orElseThrow().activeAt(Instant.now()));

        // Another process's revocation: the server may answer from its cache until the TTL is over.
        assertTrue(server.findBySecret(b.secret()).orElseThrow().activeAt(Instant.now()));
        cli.revokeToken(b.token().id(), "cli");
        now[0] += TokenCache.TTL.toNanos();
        assertFalse(server.findBySecret(b.secret()).orElseThrow().activeAt(Instant.now()));
    }

    @Test
    void bad_token_requests_are_refused_and_write_nothing() {
        assertThrows(InvalidRecordException.class, () -> access.createToken("x", "root", Set.of(), null, "admin"));
        assertThrows(InvalidRecordException.class, () -> access.createToken("x", "admin", Set.of("id"), null, "admin"));
        assertThrows(InvalidRecordException.class, () -> access.createToken("", "admin", Set.of(), null, "admin"));
        assertEquals(0, access.listTokens().size());
        assertEquals(0, audit.list(0, 1).total());
    }

    @Test
    void every_access_change_is_audited_without_secrets() {
        IssuedToken t = access.createToken("ci", "admin", Set.of(), null, "cli");
        access.revokeToken(t.token().id(), "alice");
        access.createUser(new UserRecord("alice", "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA", "officer", Instant.now(), false), "admin");
        access.updateUser(new UserRecord("alice", "$argon2id$v=19$m=65536,t=3,p=1$c2FsdDI$aGFzaDI", "officer", Instant.now(), true), "admin");

        Page<AuditEntry> page = audit.list(0, 10);
        assertEquals(4, page.total());
        assertEquals("user.update", page.items().get(0).action());
        assertEquals("{\"disabled\":true,\"passwordChanged\":true,\"role\":\"officer\"}", page.items().get(0).details());
        assertEquals("user.create", page.items().get(1).action());
        assertEquals("token.revoke", page.items().get(2).action());
        assertEquals("alice", page.items().get(2).actor());
        assertEquals("token.create", page.items().get(3).action());
        for (AuditEntry e : page.items()) {
            assertFalse(e.details().contains(t.secret().substring(4)));
            assertFalse(e.details().contains("argon2id"));
        }
        assertTrue(audit.verify().intact());
    }

    @Test
    void users_are_stored_found_updated_and_unique() {
        UserRecord alice = new UserRecord("alice", "$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA", "auditor", Instant.ofEpochMilli(1_000), false);
        access.createUser(alice, "admin");
        assertThrows(AlreadyExistsException.class, () -> access.createUser(alice, "admin"));
        assertEquals(alice, access.findUser("alice").orElseThrow());
        assertFalse(alice.toString().contains("scrypt"));

        UserRecord disabled = new UserRecord("alice", alice.passwordHash(), "admin", alice.created(), true);
        access.updateUser(disabled, "admin");
        assertEquals(disabled, access.findUser("alice").orElseThrow());
        assertNotEquals(alice, access.findUser("alice").orElseThrow());
        assertThrows(NotFoundException.class, () -> access.updateUser(
                new UserRecord("bob", "h", "admin", Instant.now(), false), "admin"));
        assertEquals(1, access.listUsers().size());
    }
}
