package dev.signet.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.Page;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityEventsTest {

    @TempDir
    Path dir;

    @Test
    void a_refused_request_is_chained_like_any_change_and_bad_details_are_refused() {
        try (Database db = TestDatabases.open(dir.resolve("signet.db"))) {
            SecurityEvents events = new SecurityEvents(db);
            events.record(new AuditEvent("mallory", "auth.refused", "api-token", "unknown", "{\"reason\":\"no such token\"}"));
            assertThrows(InvalidRecordException.class,
                    () -> events.record(new AuditEvent("mallory", "auth.refused", "api-token", "unknown", "{\"reason\":")));
            AuditLog log = new AuditLog(db);
            Page<AuditEntry> page = log.list(0, 10);
            assertEquals(1, page.total());
            assertEquals("auth.refused", page.items().get(0).action());
            assertEquals("{\"reason\":\"no such token\"}", page.items().get(0).details());
            assertTrue(log.verify().intact());
        }
    }
}
