package dev.signet.ca;

import dev.signet.hsm.KeyPurpose;
import dev.signet.ca.store.AuditLog;
import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.CertificateStore;
import dev.signet.ca.store.Database;
import dev.signet.ca.store.TestDatabases;
import dev.signet.hsm.SecretSource;
import dev.signet.hsm.software.SoftwareHsm;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** A whole CA over a real software HSM and a real SQLite file in a temporary directory. */
final class CaFixture implements AutoCloseable {

    final CountingHsm hsm;
    final Database db;
    final CertificateAuthorities cas;
    final AuditLog audit;

    CaFixture(Path dir) {
        this(dir, Profiles.builtIn());
    }

    CaFixture(Path dir, Profiles profiles) {
        SecretSource pass = new SecretSource.Env("P", Map.of("P", "test passphrase for the fixture"));
        this.hsm = new CountingHsm(SoftwareHsm.open(dir.resolve("hsm"), pass));
        this.db = TestDatabases.open(dir.resolve("signet.db"));
        this.cas = new CertificateAuthorities(hsm.signingKeys(KeyPurpose.CA), hsm.signingKeys(KeyPurpose.DOCUMENT), new CaStore(db), new CertificateStore(db), profiles, Clock.systemUTC());
        this.audit = new AuditLog(db);
    }

    long auditEntries() {
        return audit.list(0, 1).total();
    }

    @Override
    public void close() {
        db.close();
        hsm.close();
    }
}
