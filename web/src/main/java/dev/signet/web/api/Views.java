package dev.signet.web.api;

import dev.signet.ca.audit.AuditEntry;
import dev.signet.ca.store.CaRecord;
import dev.signet.ca.store.CertificateRecord;
import dev.signet.hsm.KeyInfo;
import dev.signet.web.Pem;
import java.time.Instant;
import java.util.List;

/** The JSON shapes of the API (documented in openapi.json); times are ISO-8601 strings. */
public final class Views {

    private Views() {}

    public record CaView(String id, String name, String status, String parentId, String keyAlgorithm,
                         String keyBackend, String certificatePem, String chainPem, String created) {

        static CaView of(CaRecord ca) {
            return new CaView(ca.id(), ca.name(), ca.status(), ca.parentId(), ca.keyAlgorithm(), ca.keyBackend(),
                    ca.certificatePem(), ca.chainPem(), text(ca.created()));
        }
    }

    public record CertificateView(String caId, String serial, String subject, List<String> subjectAltNames,
                                  String notBefore, String notAfter, String profile, String keyAlgorithm,
                                  String status, String revokedAt, String revocationReason, String certificatePem) {

        static CertificateView of(CertificateRecord c, Instant now) {
            String status = CertificateRecord.REVOKED.equals(c.status()) ? "revoked" : c.expiredAt(now) ? "expired" : "valid";
            return new CertificateView(c.caId(), c.serialHex(), c.subject(), c.sans(), text(c.notBefore()),
                    text(c.notAfter()), c.profile(), c.keyAlgorithm(), status, text(c.revokedAt()),
                    c.revocationReason(), Pem.certificate(c.der()));
        }
    }

    public record KeyView(String label, String algorithm, String backend, String created, List<String> allowed) {

        static KeyView of(KeyInfo k) {
            return new KeyView(k.label(), k.algorithm().name(), k.backend(), text(k.created()),
                    k.policy().allowed().stream().map(Enum::name).sorted().toList());
        }
    }

    public record AuditEntryView(long seq, String at, String actor, String action, String objectType,
                                 String objectId, String details) {

        static AuditEntryView of(AuditEntry e) {
            return new AuditEntryView(e.seq(), text(e.at()), e.actor(), e.action(), e.objectType(), e.objectId(), e.details());
        }
    }

    public record PageView<T>(List<T> items, int offset, int limit, long total) {}

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
