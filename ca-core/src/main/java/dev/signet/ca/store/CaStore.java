package dev.signet.ca.store;

import static dev.signet.ca.store.schema.Tables.CA;
import static dev.signet.ca.store.schema.Tables.CERTIFICATE;

import dev.signet.ca.AlreadyExistsException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.InvalidRecordException;
import dev.signet.ca.NotFoundException;
import dev.signet.ca.store.schema.tables.records.CaRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The CAs Signet runs. Each change is stored with its audit entry in one transaction. */
public final class CaStore {

    private final Database db;

    public CaStore(Database db) {
        this.db = db;
    }

    /** Stores a new CA. @throws AlreadyExistsException if the id is taken; @throws NotFoundException for an unknown parent */
    public void create(CaRecord ca, AuditEvent event) {
        Checks.notNull(ca, "CA");
        Checks.notNull(event, "audit event");
        db.write(w -> {
            if (w.tx().fetchExists(CA, CA.ID.eq(ca.id()))) {
                throw new AlreadyExistsException("CA", ca.id());
            }
            checkParent(w, ca);
            w.tx().executeInsert(toRow(w, ca));
            w.audit(event);
            NodeChanges.bump(w, NodeChanges.CAS);
            return null;
        });
    }

    /** Replaces a CA's stored fields (status, certificate once the external parent signed, ...). */
    public void update(CaRecord ca, AuditEvent event) {
        Checks.notNull(ca, "CA");
        Checks.notNull(event, "audit event");
        db.write(w -> {
            if (!w.tx().fetchExists(CA, CA.ID.eq(ca.id()))) {
                throw new NotFoundException("CA", ca.id());
            }
            checkParent(w, ca);
            w.tx().executeUpdate(toRow(w, ca));
            w.audit(event);
            NodeChanges.bump(w, NodeChanges.CAS);
            return null;
        });
    }

    /**
     * Removes a root whose creation failed before it became active, with {@code event} in the same
     * transaction: its pending record and what its own certificate left, the reserved serial or the
     * stored certificate that nobody was given. A root is stored pending before its certificate is
     * reserved and signed (the reservation names the CA), so a failure after that would otherwise
     * leave a record whose key the creator destroys. Only a pending root without a certificate is
     * removed; anything else is refused, so no CA in use can go this way.
     *
     * @return false if there is no such record (its creation stored nothing)
     * @throws InvalidRecordException if the CA is not a pending root
     */
    public boolean removeFailedRoot(String id, AuditEvent event) {
        Checks.notBlank(id, "CA id");
        Checks.notNull(event, "audit event");
        return db.write(w -> {
            CaRow row = w.tx().selectFrom(CA).where(CA.ID.eq(id)).fetchOne();
            if (row == null) {
                return false;
            }
            if (!CaRecord.PENDING.equals(row.getStatus()) || row.getParentId() != null || row.getCertificatePem() != null) {
                throw new InvalidRecordException("CA '" + id + "' is not a root that failed to be created");
            }
            // Anything else naming the CA (a CRL, a responder, a TSA) cannot exist for a pending
            // root; if it did, the foreign keys refuse the delete and nothing is removed.
            w.tx().deleteFrom(CERTIFICATE).where(CERTIFICATE.CA_ID.eq(id)).execute();
            w.tx().deleteFrom(CA).where(CA.ID.eq(id)).execute();
            w.audit(event);
            NodeChanges.bump(w, NodeChanges.CAS);
            return true;
        });
    }

    /** Whether the CA's own certificate, issued by another Signet CA, is revoked. */
    public boolean ownCertificateRevoked(String id) {
        return db.read(dsl -> RevocationStore.ownCertificateRevoked(dsl, id));
    }

    public Optional<CaRecord> find(String id) {
        return db.read(dsl -> dsl.selectFrom(CA).where(CA.ID.eq(id)).fetchOptional().map(CaStore::toRecord));
    }

    /** All CAs, oldest first. */
    public List<CaRecord> list() {
        return db.read(dsl -> dsl.selectFrom(CA).orderBy(CA.CREATED_AT, CA.ID).fetch(CaStore::toRecord));
    }

    private static void checkParent(WriteContext w, CaRecord ca) {
        if (ca.parentId() == null) {
            return;
        }
        if (ca.parentId().equals(ca.id())) {
            throw new InvalidRecordException("a CA cannot be its own parent");
        }
        if (!w.tx().fetchExists(CA, CA.ID.eq(ca.parentId()))) {
            throw new NotFoundException("parent CA", ca.parentId());
        }
    }

    static CaRow toRow(WriteContext w, CaRecord ca) {
        CaRow row = w.tx().newRecord(CA);
        row.setId(ca.id());
        row.setName(ca.name());
        row.setStatus(ca.status());
        row.setKeyLabel(ca.keyLabel());
        row.setKeyBackend(ca.keyBackend());
        row.setKeyAlgorithm(ca.keyAlgorithm());
        row.setParentId(ca.parentId());
        row.setCertificatePem(ca.certificatePem());
        row.setChainPem(ca.chainPem());
        row.setBaseUrl(ca.baseUrl());
        row.setCreatedAt(ca.created().toEpochMilli());
        return row;
    }

    private static CaRecord toRecord(CaRow r) {
        return new CaRecord(r.getId(), r.getName(), r.getStatus(), r.getKeyLabel(), r.getKeyBackend(),
                r.getKeyAlgorithm(), r.getParentId(), r.getCertificatePem(), r.getChainPem(), r.getBaseUrl(),
                Instant.ofEpochMilli(r.getCreatedAt()));
    }
}
