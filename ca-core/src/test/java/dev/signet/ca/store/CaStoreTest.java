package dev.signet.ca.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.AlreadyExistsException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.NotFoundException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaStoreTest {

    @TempDir
    Path dir;

    @Test
    void cas_are_created_found_listed_and_updated_with_audit_entries() {
        try (Database db = TestDatabases.open(dir.resolve("signet.db"))) {
            CaStore cas = new CaStore(db);
            CaRecord root = Fixtures.rootCa("root");
            cas.create(root, AuditEvent.of("admin", "ca.create", "ca", "root"));
            CaRecord pending = new CaRecord("sub", "Sub", CaRecord.PENDING, "ca-sub", "pkcs11", "EC_P384", null, null, null,
                    "http://127.0.0.1:8080", Fixtures.T0.plusSeconds(1));
            cas.create(pending, AuditEvent.of("admin", "ca.create", "ca", "sub"));
            assertEquals(root, cas.find("root").orElseThrow());
            assertEquals(List.of(root, pending), cas.list());

            CaRecord active = new CaRecord("sub", "Sub", CaRecord.ACTIVE, "ca-sub", "pkcs11", "EC_P384", null, "cert", "chain",
                    "http://127.0.0.1:8080", pending.created());
            cas.update(active, AuditEvent.of("admin", "ca.import-certificate", "ca", "sub"));
            assertEquals(active, cas.find("sub").orElseThrow());
            assertEquals(3, new AuditLog(db).list(0, 10).total());
        }
    }

    @Test
    void refused_ca_changes_write_nothing() {
        try (Database db = TestDatabases.open(dir.resolve("signet.db"))) {
            CaStore cas = new CaStore(db);
            cas.create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root"));
            assertThrows(AlreadyExistsException.class, () -> cas.create(Fixtures.rootCa("root"), AuditEvent.of("admin", "ca.create", "ca", "root")));
            CaRecord orphan = new CaRecord("sub", "Sub", CaRecord.ACTIVE, "k", "software", "EC_P256", "nope", "c", "c", null, Fixtures.T0);
            assertThrows(NotFoundException.class, () -> cas.create(orphan, AuditEvent.of("admin", "ca.create", "ca", "sub")));
            assertThrows(NotFoundException.class, () -> cas.update(Fixtures.rootCa("ghost"), AuditEvent.of("admin", "ca.update", "ca", "ghost")));
            assertThrows(InvalidRecordException.class, () -> new CaRecord("x", "X", "active", "k", "software", "EC_P256", null, null, null, null, Fixtures.T0));
            assertThrows(InvalidRecordException.class, () -> new CaRecord("x", "X", "deleted", "k", "software", "EC_P256", null, "c", "c", null, Fixtures.T0));
            assertEquals(1, cas.list().size());
            assertEquals(1, new AuditLog(db).list(0, 10).total());
            assertTrue(new AuditLog(db).verify().intact());
        }
    }
}
