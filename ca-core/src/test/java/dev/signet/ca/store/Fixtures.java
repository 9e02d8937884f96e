package dev.signet.ca.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Records for tests. The DER is an opaque placeholder: the store keeps bytes, it does not parse them. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    static CaRecord rootCa(String id) {
        return new CaRecord(id, "Root " + id, CaRecord.ACTIVE, "ca-" + id, "software", "EC_P256", null,
                "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n",
                "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n", "http://127.0.0.1:8080", T0);
    }

    static CertificateRecord cert(String caId, String serial, String subject, List<String> sans, String profile,
            Instant notAfter) {
        return new CertificateRecord(caId, serial, ("der-" + serial).getBytes(StandardCharsets.US_ASCII), subject,
                sans, T0, notAfter, profile, "EC_P256", "alice", CertificateRecord.VALID, null, null);
    }

    static CertificateRecord cert(String caId, String serial) {
        return cert(caId, serial, "CN=host-" + serial, List.of("DNS:host-" + serial + ".example"), "tls-server",
                T0.plusSeconds(86_400));
    }

    static AuditEvent issued(String caId, String serial) {
        return new AuditEvent("alice", "certificate.issue", "certificate", caId + "/" + serial, "{\"profile\":\"tls-server\"}");
    }
}
