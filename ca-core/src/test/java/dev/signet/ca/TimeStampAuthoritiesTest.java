package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.TsaStore;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TSA over a real software HSM and SQLite file: clock safety, serials across restarts, the in-process source. */
class TimeStampAuthoritiesTest {

    static final String POLICY = "1.3.6.1.4.1.99999.3161.1";

    @TempDir
    Path dir;

    /** A clock the test sets. */
    static final class SetClock extends Clock {
        final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    private static TimeStampAuthorities tsas(CaFixture f, Clock clock) {
        TsaSettings s = new TsaSettings(TsaSettings.DEFAULT, POLICY, Duration.ofMillis(500), false, KeyAlgorithm.EC_P256,
                "CN=Test TSA,O=Signet", null, false);
        return new TimeStampAuthorities(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING), f.hsm.backendName(), f.cas,
                new TsaStore(f.db), List.of(s), clock);
    }

    private static String issuingCa(CaFixture f) {
        CaInfo root = f.cas.createRoot(new NewCa("Root", "CN=Root", KeyAlgorithm.EC_P256, Duration.ofDays(3650), 1, null), "test");
        return f.cas.createSubordinate(root.id(), new NewCa("Issuing", "CN=Issuing", KeyAlgorithm.EC_P256, null, null, null),
                null, "test").id();
    }

    private static byte[] query(int i) throws Exception {
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest(("doc " + i).getBytes(StandardCharsets.UTF_8));
        return new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint, BigInteger.valueOf(i)).getEncoded();
    }

    @Test
    void a_clock_behind_the_last_gen_time_gets_time_not_available_even_after_a_restart() throws Exception {
        SetClock clock = new SetClock();
        try (CaFixture f = new CaFixture(dir)) {
            TimeStampAuthorities tsas = tsas(f, clock);
            tsas.createMissing(issuingCa(f), "test");
            assertTrue(tsas.respond(TsaSettings.DEFAULT, query(1), "test").join().granted());
            clock.millis.addAndGet(-5_000);
            TsaReply behind = tsas.respond(TsaSettings.DEFAULT, query(2), "test").join();
            assertEquals(TsaReply.Failure.TIME_NOT_AVAILABLE, behind.failure());
            assertEquals(2, new TimeStampResponse(behind.der()).getStatus());
            assertEquals(1L, tsas.get(TsaSettings.DEFAULT).rejections().get("timeNotAvailable"));
        }
        // The last genTime is in the store: a restart with the clock still behind gives no time either.
        try (CaFixture f = new CaFixture(dir)) {
            TimeStampAuthorities tsas = tsas(f, clock);
            assertEquals(TsaReply.Failure.TIME_NOT_AVAILABLE, tsas.respond(TsaSettings.DEFAULT, query(3), "test").join().failure());
            clock.millis.addAndGet(6_000);
            assertTrue(tsas.respond(TsaSettings.DEFAULT, query(4), "test").join().granted());
        }
    }

    @Test
    void rejections_are_audited_per_tsa_reason_and_interval_not_one_entry_per_query() throws Exception {
        SetClock clock = new SetClock();
        try (CaFixture f = new CaFixture(dir)) {
            TimeStampAuthorities tsas = tsas(f, clock);
            tsas.createMissing(issuingCa(f), "test");
            byte[] sha1 = new TimeStampRequestGenerator().generate(org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1,
                    new byte[20], BigInteger.ONE).getEncoded();
            long before = audit(f, "tsa.rejections").size();
            Instant start = clock.instant();
            for (int i = 0; i < 500; i++) {
                assertEquals(TsaReply.Failure.BAD_DATA_FORMAT, tsas.respond(TsaSettings.DEFAULT, new byte[] {0x30, 0x03, 1, 2, 3}, "test").join().failure());
            }
            for (int i = 0; i < 7; i++) {
                assertEquals(TsaReply.Failure.BAD_ALG, tsas.respond(TsaSettings.DEFAULT, sha1, "test").join().failure());
            }
            assertTrue(tsas.respond(TsaSettings.DEFAULT, query(1), "test").join().granted());
            assertEquals(before, audit(f, "tsa.rejections").size(), "nothing is audited per rejection");
            clock.millis.addAndGet(60_000);
            tsas.auditRejections();
            List<AuditEntry> first = audit(f, "tsa.rejections");
            assertEquals(2, first.size() - before, "one entry per TSA and reason: " + first);
            AuditEntry alg = first.get(first.size() - 2);
            AuditEntry format = first.get(first.size() - 1);
            assertEquals("tsa", alg.objectType());
            assertEquals(TsaSettings.DEFAULT, alg.objectId());
            assertEquals("{\"count\":7,\"from\":\"" + start + "\",\"reason\":\"badAlg\",\"to\":\"" + clock.instant() + "\"}",
                    alg.details());
            assertTrue(format.details().contains("\"count\":500,") && format.details().contains("\"reason\":\"badDataFormat\""), format.details());

            // the next interval has only what came since; an interval without rejections writes nothing
            Instant second = clock.instant();
            tsas.respond(TsaSettings.DEFAULT, sha1, "test").join();
            clock.millis.addAndGet(60_000);
            tsas.auditRejections();
            tsas.auditRejections();
            List<AuditEntry> after = audit(f, "tsa.rejections");
            assertEquals(first.size() + 1, after.size(), after.toString());
            assertEquals("{\"count\":1,\"from\":\"" + second + "\",\"reason\":\"badAlg\",\"to\":\"" + clock.instant() + "\"}",
                    after.get(after.size() - 1).details());
            // the TSA's page still counts every rejection since the start
            assertEquals(8L, tsas.get(TsaSettings.DEFAULT).rejections().get("badAlg"));
            assertTrue(new dev.signet.ca.store.AuditLog(f.db).verify().intact(), "the audit chain holds");
        }
    }

    private static List<AuditEntry> audit(CaFixture f, String action) {
        // oldest first
        return new dev.signet.ca.store.AuditLog(f.db).list(0, 1000).items().stream().filter(e -> e.action().equals(action))
                .sorted(java.util.Comparator.comparingLong(AuditEntry::seq)).toList();
    }

    @Test
    void serials_stay_unique_across_restarts_and_every_token_is_counted() throws Exception {
        Set<String> serials = new HashSet<>();
        for (int run = 0; run < 2; run++) {
            try (CaFixture f = new CaFixture(dir)) {
                TimeStampAuthorities tsas = tsas(f, Clock.systemUTC());
                if (run == 0) {
                    tsas.createMissing(issuingCa(f), "test");
                }
                List<java.util.concurrent.CompletableFuture<TsaReply>> inFlight = new java.util.ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    inFlight.add(tsas.respond(TsaSettings.DEFAULT, query(i), "test"));
                }
                for (var r : inFlight) {
                    TsaReply reply = r.join();
                    assertTrue(reply.granted(), String.valueOf(reply.statusText()));
                    serials.add(reply.serialHex());
                    assertTrue(new TsaStore(f.db).findToken(TsaSettings.DEFAULT, reply.serialHex()).isPresent());
                }
                assertEquals(200L * (run + 1), tsas.get(TsaSettings.DEFAULT).tokensIssued());
            }
        }
        assertEquals(400, serials.size());
    }

    @Test
    void the_built_in_source_gives_a_recorded_token_and_the_tsa_chain() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            TimeStampAuthorities tsas = tsas(f, Clock.systemUTC());
            tsas.createMissing(issuingCa(f), "test");
            long auditBefore = f.auditEntries();
            byte[] imprint = MessageDigest.getInstance("SHA-384").digest("signature value".getBytes(StandardCharsets.UTF_8));
            TimeStamp ts = tsas.builtIn(TsaSettings.DEFAULT, "system:signing").timestamp("SHA-384", imprint);
            TimeStampToken token = new TimeStampToken(new org.bouncycastle.cms.CMSSignedData(ts.token()));
            assertArrayEquals(imprint, token.getTimeStampInfo().getMessageImprintDigest());
            assertEquals(3, ts.chain().size(), "TSA, issuing CA, root");
            X509Certificate tsa = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(ts.chain().get(0)));
            token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsa));
            assertTrue(tsa.getCriticalExtensionOIDs().contains("2.5.29.37"), "EKU critical");
            assertEquals(List.of("1.3.6.1.5.5.7.3.8"), tsa.getExtendedKeyUsage());
            assertEquals(auditBefore + 1, f.auditEntries());
            assertTrue(new TsaStore(f.db).findToken(TsaSettings.DEFAULT, ts.serialHex()).isPresent());

            CaException sha1 = assertThrows(CaException.class, () -> tsas.builtIn(TsaSettings.DEFAULT, "x")
                    .timestamp("SHA-1", new byte[20]));
            assertEquals(CaException.Kind.BAD_REQUEST, sha1.kind());
            CaException shortImprint = assertThrows(CaException.class, () -> tsas.builtIn(TsaSettings.DEFAULT, "x")
                    .timestamp("SHA-256", new byte[31]));
            assertEquals(CaException.Kind.BAD_REQUEST, shortImprint.kind());
        }
    }

    @Test
    void tokens_are_canonical_der_that_bouncy_castle_validates_for_every_key_algorithm() throws Exception {
        for (KeyAlgorithm algorithm : List.of(KeyAlgorithm.EC_P256, KeyAlgorithm.EC_P384, KeyAlgorithm.RSA_2048,
                KeyAlgorithm.ED25519)) {
            try (CaFixture f = new CaFixture(dir.resolve(algorithm.name()))) {
                TsaSettings s = new TsaSettings(TsaSettings.DEFAULT, POLICY, Duration.ofMillis(1500), false, algorithm,
                        "CN=Test TSA " + algorithm + ",O=Signet", null, false);
                TimeStampAuthorities tsas = new TimeStampAuthorities(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING),
                        f.hsm.backendName(), f.cas, new TsaStore(f.db), List.of(s), Clock.systemUTC());
                tsas.createMissing(issuingCa(f), "test");
                for (boolean certReq : new boolean[] {true, false}) {
                    byte[] imprint = MessageDigest.getInstance("SHA-512").digest(("doc " + certReq).getBytes(StandardCharsets.UTF_8));
                    org.bouncycastle.tsp.TimeStampRequestGenerator g = new org.bouncycastle.tsp.TimeStampRequestGenerator();
                    g.setCertReq(certReq);
                    org.bouncycastle.tsp.TimeStampRequest request = g.generate(NISTObjectIdentifiers.id_sha512, imprint,
                            BigInteger.valueOf(4242));
                    TsaReply reply = tsas.respond(TsaSettings.DEFAULT, request.getEncoded(), "test").join();
                    assertTrue(reply.granted(), algorithm + ": " + reply.statusText());
                    // DER, not merely BER: re-encoding the parsed token gives the same bytes.
                    assertArrayEquals(reply.tokenDer(), org.bouncycastle.asn1.ASN1Primitive.fromByteArray(reply.tokenDer())
                            .getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER), algorithm + " token is DER");
                    org.bouncycastle.tsp.TimeStampResponse response = new org.bouncycastle.tsp.TimeStampResponse(reply.der());
                    response.validate(request);
                    TimeStampToken token = response.getTimeStampToken();
                    X509Certificate tsa = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                            new ByteArrayInputStream(tsas.get(TsaSettings.DEFAULT).certificatePem().getBytes(StandardCharsets.US_ASCII)));
                    token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(tsa));
                    assertEquals(certReq ? 2 : 0, token.getCertificates().getMatches(null).size(), "TSA and issuing CA, no root");
                    assertEquals(BigInteger.valueOf(4242), token.getTimeStampInfo().getNonce());
                    assertEquals(POLICY, token.getTimeStampInfo().getPolicy().getId());
                    assertEquals(1, token.getTimeStampInfo().getGenTimeAccuracy().getSeconds());
                    assertEquals(500, token.getTimeStampInfo().getGenTimeAccuracy().getMillis());
                    assertFalse(token.getTimeStampInfo().isOrdered());
                    assertArrayEquals(imprint, token.getTimeStampInfo().getMessageImprintDigest());
                }
            }
        }
    }

    @Test
    void an_external_ca_tsa_waits_for_its_certificate_and_refuses_one_for_another_key() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            TsaSettings s = new TsaSettings("outside", POLICY, Duration.ZERO, false, KeyAlgorithm.EC_P256, "CN=Outside TSA", null, true);
            TimeStampAuthorities tsas = new TimeStampAuthorities(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING), f.hsm.backendName(),
                    f.cas, new TsaStore(f.db), List.of(s), Clock.systemUTC());
            tsas.createMissing(null, "test");
            TsaInfo pending = tsas.get("outside");
            assertEquals("pending", pending.status());
            assertNull(pending.certificatePem());
            assertTrue(pending.csrPem().startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
            TsaReply r = tsas.respond("outside", query(1), "test").join();
            assertEquals(TsaReply.Failure.SYSTEM_FAILURE, r.failure());
            // A timestamping certificate, but for some other key.
            String caId = issuingCa(f);
            String other = f.cas.issueForKey(caId, "timestamping",
                    f.hsm.signingKeys(KeyPurpose.TIMESTAMPING).generate("other", KeyAlgorithm.EC_P256).publicKey(), "CN=Other", "test")
                    .certificatePem();
            CaException e = assertThrows(CaException.class, () -> tsas.importCertificate("outside", other, "", "test"));
            assertEquals("certificate-key-mismatch", e.code());
            assertFalse(tsas.get("outside").status().equals("active"));
        }
    }
}
