package dev.signet.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AuditEvent;
import dev.signet.ca.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** About the SQLite file itself; the PostgreSQL side has PostgresDatabaseTest. */
@org.junit.jupiter.api.Tag("sqlite-only")
class DatabaseSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void a_snapshot_taken_while_writes_go_on_is_one_file_with_an_intact_chain_and_its_head() throws Exception {
        try (Database db = Database.open(dir.resolve("signet.db"))) {
            SecurityEvents events = new SecurityEvents(db);
            for (int i = 0; i < 5; i++) {
                events.record(AuditEvent.of("test", "before", "thing", "t" + i));
            }
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 200; i++) {
                    events.record(AuditEvent.of("test", "during", "thing", "d" + i));
                }
            });
            DatabaseSnapshot snapshot = DatabaseSnapshot.take(db, dir.resolve("copy.db"));
            writing.get(60, TimeUnit.SECONDS);

            // Committed entries still in the live WAL are in the copy, and the copy needs no WAL of its own.
            assertFalse(Files.exists(dir.resolve("copy.db-wal")));
            assertTrue(snapshot.auditHeadSeq() >= 5 && snapshot.auditHeadSeq() <= 205, "head " + snapshot.auditHeadSeq());
            assertThrows(StoreException.class, () -> DatabaseSnapshot.take(db, dir.resolve("copy.db")));

            try (Database copy = Database.open(snapshot.file())) {
                AuditLog log = new AuditLog(copy);
                assertEquals(snapshot.auditHeadSeq(), log.list(0, 1).total());
                assertEquals(snapshot.auditHeadSeq(), log.list(0, 1).items().get(0).seq());
                assertTrue(log.verify().intact());
            }
        }
    }
}
