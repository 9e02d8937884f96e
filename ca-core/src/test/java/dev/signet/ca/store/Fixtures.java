package dev.signet.ca.store;

import dev.signet.ca.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import java.time.Instant;
import java.util.List;

/**
 * Records for tests. The DER has a certificate's outer shape (SEQUENCE of tbsCertificate,
 * algorithm, signature), built with Bouncy Castle; the store looks only at that shape.
 */
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
        return new CertificateRecord(caId, serial, der(serial), subject,
                sans, T0, notAfter, profile, "EC_P256", "alice", CertificateRecord.VALID, null, null);
    }

    static CertificateRecord cert(String caId, String serial) {
        return cert(caId, serial, "CN=host-" + serial, List.of("DNS:host-" + serial + ".example"), "tls-server",
                T0.plusSeconds(86_400));
    }

    /** A stand-in tbsCertificate for a serial. */
    static byte[] tbs(String serial) {
        return encode(new DERSequence(new ASN1Encodable[] {
            new ASN1Integer(new java.math.BigInteger(serial, 16)), new DEROctetString(("tbs-" + serial).getBytes(StandardCharsets.US_ASCII))}));
    }

    /** A certificate-shaped DER around {@link #tbs}. */
    static byte[] der(String serial) {
        try {
            return encode(new DERSequence(new ASN1Encodable[] {
                ASN1Primitive.fromByteArray(tbs(serial)), new DERSequence(), new DERBitString(new byte[] {1, 2, 3})}));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] encode(ASN1Encodable o) {
        try {
            return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AuditEvent issued(String caId, String serial) {
        return new AuditEvent("alice", "certificate.issue", "certificate", caId + "/" + serial, "{\"profile\":\"tls-server\"}");
    }
}
