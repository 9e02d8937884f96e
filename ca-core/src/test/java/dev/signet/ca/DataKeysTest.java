package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.AccessStore;
import dev.signet.ca.DataKeyRecord;
import dev.signet.ca.store.DataKeyStore;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.TestDatabases;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.SecretSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data keys' life cycle on the software HSM: the parts that need a clock (scheduled destruction). */
class DataKeysTest {

    @TempDir
    Path dir;

    Hsm hsm;
    Database db;
    DataKeys keys;
    Instant now = Instant.parse("2026-06-01T00:00:00Z");
    DataKeys.Caller app;

    @BeforeEach
    void open() {
        hsm = Hsms.open(new HsmConfig.Software(dir.resolve("keys"), new SecretSource.Env("P", Map.of("P", "test passphrase"))));
        db = TestDatabases.open(dir.resolve("signet.db"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        keys = new DataKeys(hsm.encryptionKeys(), new DataKeyStore(db), clock);
        String tokenId = new AccessStore(db).createToken("app", "signer", Set.of(), null, "test").token().id();
        app = new DataKeys.Caller(tokenId, "token:" + tokenId);
    }

    @AfterEach
    void close() {
        db.close();
        hsm.close();
    }

    @Test
    void a_key_scheduled_for_destruction_is_unusable_at_once_and_destroyed_for_good_after_the_waiting_period() {
        keys.create("orders", "admin");
        keys.rotate("orders", "admin");
        keys.grant("orders", app.tokenId(), true, true, "admin");
        String c = keys.encrypt("orders", app, "secret".getBytes(StandardCharsets.UTF_8), Map.of());

        assertThrows(DataKeyException.class, () -> keys.scheduleDestruction("orders", Duration.ofHours(1), "admin"),
                "a waiting period under a day is refused");
        keys.scheduleDestruction("orders", Duration.ofDays(7), "admin");
        DataKeyException refused = assertThrows(DataKeyException.class, () -> keys.decrypt("orders", app, c, Map.of()));
        assertEquals(DataKeyException.Kind.CONFLICT, refused.kind());

        now = now.plus(Duration.ofDays(6));
        assertTrue(keys.destroyDue().isEmpty(), "not before the waiting period has passed");
        keys.cancelDestruction("orders", "admin");
        assertEquals(DataKeyRecord.DISABLED, keys.get("orders").state(), "a cancelled destruction leaves the key disabled");
        keys.enable("orders", "admin");
        assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), keys.decrypt("orders", app, c, Map.of()));

        keys.scheduleDestruction("orders", Duration.ofDays(7), "admin");
        now = now.plus(Duration.ofDays(7));
        assertEquals(java.util.List.of("orders"), keys.destroyDue());
        assertEquals(DataKeyRecord.DESTROYED, keys.get("orders").state());
        assertFalse(hsm.encryptionKeys().find("datakey.orders.v1").isPresent(), "version 1 is gone from the HSM");
        assertFalse(hsm.encryptionKeys().find("datakey.orders.v2").isPresent(), "version 2 is gone from the HSM");
        for (Runnable change : java.util.List.<Runnable>of(() -> keys.enable("orders", "admin"),
                () -> keys.cancelDestruction("orders", "admin"), () -> keys.rotate("orders", "admin"),
                () -> keys.create("orders", "admin"))) {
            assertEquals(DataKeyException.Kind.CONFLICT, assertThrows(DataKeyException.class, change::run).kind(),
                    "destruction cannot be undone, nor the name reused");
        }
        assertTrue(keys.destroyDue().isEmpty());
        long destroyed = countAudit("datakey.destroy");
        assertEquals(1, destroyed, "the destruction is in the audit log, once");
    }

    @Test
    void use_is_drained_into_one_audit_entry_per_key_and_caller() {
        keys.create("a", "admin");
        keys.grant("a", app.tokenId(), true, true, "admin");
        for (int i = 0; i < 100; i++) {
            keys.decrypt("a", app, keys.encrypt("a", app, new byte[]{1}, Map.of("i", "x")), Map.of("i", "x"));
        }
        keys.flushUsage();
        keys.flushUsage(); // nothing new: no entry
        assertEquals(1, countAudit("datakey.use"));
    }

    private long countAudit(String action) {
        return new dev.signet.ca.store.AuditLog(db).list(0, 1000).items().stream().filter(e -> e.action().equals(action)).count();
    }
}
