package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.RevocationStore;
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
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPValidationException;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TSA's life after it is made: re-keyed (old tokens verify with the old certificate, new ones
 * with the new; the old key is destroyed), retired, refusing once its certificate or CA is revoked
 * (here at once, on another node after its refresh), rolled over before its certificate expires,
 * and refusing with timeNotAvailable while its time source cannot vouch for the clock. Real
 * software HSM and SQLite file; tokens checked by Bouncy Castle.
 */
class TsaLifecycleTest {

    static final String POLICY = "1.3.6.1.4.1.99999.3161.7";

    @TempDir
    Path dir;

    private static TsaSettings settings(String name, boolean external) {
        return new TsaSettings(name, POLICY, Duration.ofMillis(500), false, KeyAlgorithm.EC_P256, "CN=Lifecycle TSA " + name,
                null, external);
    }

    private static TimeStampAuthorities tsas(CaFixture f, Clock clock, TsaTimeSource time, TsaSettings... s) {
        return new TimeStampAuthorities(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING), f.hsm.backendName(), f.cas,
                new TsaStore(f.db), List.of(s), clock, time);
    }

    private static Revocations revocations(CaFixture f) {
        return new Revocations(f.cas, new CaStore(f.db), new RevocationStore(f.db), f.hsm.signingKeys(KeyPurpose.CA),
                f.hsm.signingKeys(KeyPurpose.OCSP), RevocationSettings.defaults(), Clock.systemUTC());
    }

    private record Cas(String root, String issuing) {}

    private static Cas cas(CaFixture f) {
        CaInfo root = f.cas.createRoot(new NewCa("Root", "CN=Lifecycle Root", KeyAlgorithm.EC_P256, Duration.ofDays(3650), 1,
                "http://127.0.0.1:1"), "test");
        CaInfo issuing = f.cas.createSubordinate(root.id(), new NewCa("Issuing", "CN=Lifecycle Issuing", KeyAlgorithm.EC_P256,
                null, null, "http://127.0.0.1:1"), null, "test");
        return new Cas(root.id(), issuing.id());
    }

    private static byte[] imprint(String doc) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(doc.getBytes(StandardCharsets.UTF_8));
    }

    private static TsaReply stamp(TimeStampAuthorities tsas, String name, String doc) throws Exception {
        byte[] q = new TimeStampRequestGenerator().generate(NISTObjectIdentifiers.id_sha256, imprint(doc), BigInteger.ONE).getEncoded();
        return tsas.respond(name, q, "test").join();
    }

    private static X509Certificate x509(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static TimeStampToken token(TsaReply r) throws Exception {
        return new TimeStampResponse(r.der()).getTimeStampToken();
    }

    private static List<String> actions(CaFixture f, String tsa) {
        return f.audit.list(AuditQuery.forObject("tsa", tsa, 100)).items().stream().map(e -> e.action()).toList();
    }

    @Test
    void a_re_keyed_tsa_stamps_with_a_new_certificate_and_its_old_tokens_still_verify_with_the_old_one() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            TimeStampAuthorities tsas = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("default", false));
            tsas.createMissing(cas(f).issuing(), "test");
            TsaInfo before = tsas.get("default");
            TsaReply old = stamp(tsas, "default", "before the re-key");
            assertTrue(old.granted(), old.statusText());
            String oldLabel = f.hsm.signingKeys(KeyPurpose.TIMESTAMPING).list().get(0).label();

            TsaInfo after = tsas.rekey("default", "admin");

            assertEquals("active", after.status());
            assertEquals(before.path(), after.path());
            assertEquals(POLICY, after.policyOid());
            assertNotEquals(before.certificatePem(), after.certificatePem());
            assertNotEquals(x509(before.certificatePem()).getPublicKey(), x509(after.certificatePem()).getPublicKey());
            assertEquals(List.of("1.3.6.1.5.5.7.3.8"), x509(after.certificatePem()).getExtendedKeyUsage());
            assertEquals(1, after.previousCertificates().size());
            TsaInfo.PreviousCertificate previous = after.previousCertificates().get(0);
            assertEquals(before.certificatePem(), previous.certificatePem());
            assertEquals("destroyed", previous.keyState());
            assertEquals(1L, after.tokensIssued(), "counters stay");
            // The old key is gone from the HSM; only the new one is left.
            assertTrue(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING).find(oldLabel).isEmpty());
            assertEquals(1, f.hsm.signingKeys(KeyPurpose.TIMESTAMPING).list().size());

            TsaReply fresh = stamp(tsas, "default", "after the re-key");
            assertTrue(fresh.granted(), fresh.statusText());
            token(fresh).validate(new JcaSimpleSignerInfoVerifierBuilder().build(x509(after.certificatePem())));
            token(old).validate(new JcaSimpleSignerInfoVerifierBuilder().build(x509(previous.certificatePem())));
            // And not crosswise: each token names its own certificate (ESSCertIDv2).
            assertThrows(TSPValidationException.class,
                    () -> token(fresh).validate(new JcaSimpleSignerInfoVerifierBuilder().build(x509(previous.certificatePem()))));
            assertTrue(actions(f, "default").containsAll(List.of("tsa.create", "tsa.rekey", "tsa.key.destroy")));

            // A restart picks up the new key and the history.
            TimeStampAuthorities restarted = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("default", false));
            assertTrue(stamp(restarted, "default", "after a restart").granted());
            assertEquals(1, restarted.get("default").previousCertificates().size());
        }
    }

    @Test
    void a_tsa_of_an_external_ca_stamps_with_its_old_key_until_the_new_certificate_is_imported() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            String outsideCa = cas(f).issuing(); // plays the external CA: it signs the CSRs it is given
            TimeStampAuthorities tsas = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("outside", true));
            tsas.createMissing(null, "test");
            IssuedCertificate first = f.cas.issue(outsideCa, "timestamping", der(tsas.get("outside").csrPem()), "outside-ca");
            tsas.importCertificate("outside", first.certificatePem(), first.chainPem(), "admin");
            TsaReply old = stamp(tsas, "outside", "old key");
            assertTrue(old.granted(), old.statusText());

            TsaInfo requested = tsas.rekey("outside", "admin");
            assertNotNull(requested.nextCsrPem());
            assertEquals(first.certificatePem().strip(), requested.certificatePem().strip(), "the old certificate is still in use");
            TsaReply meanwhile = stamp(tsas, "outside", "still the old key");
            assertTrue(meanwhile.granted());
            token(meanwhile).validate(new JcaSimpleSignerInfoVerifierBuilder().build(x509(first.certificatePem())));

            IssuedCertificate second = f.cas.issue(outsideCa, "timestamping", der(requested.nextCsrPem()), "outside-ca");
            // The first certificate again is not for the new key.
            CaException wrong = assertThrows(CaException.class,
                    () -> tsas.importCertificate("outside", first.certificatePem(), first.chainPem(), "admin"));
            assertEquals("certificate-key-mismatch", wrong.code());
            TsaInfo after = tsas.importCertificate("outside", second.certificatePem(), second.chainPem(), "admin");
            assertNull(after.nextCsrPem());
            assertEquals(1, after.previousCertificates().size());
            TsaReply fresh = stamp(tsas, "outside", "new key");
            token(fresh).validate(new JcaSimpleSignerInfoVerifierBuilder().build(x509(second.certificatePem())));
            token(old).validate(new JcaSimpleSignerInfoVerifierBuilder().build(x509(after.previousCertificates().get(0).certificatePem())));
            assertTrue(actions(f, "outside").containsAll(List.of("tsa.rekey.request", "tsa.rekey", "tsa.key.destroy")));
        }
    }

    @Test
    void a_retired_tsa_rejects_every_query_saying_so_and_keeps_its_record_and_counters() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            TimeStampAuthorities tsas = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("default", false));
            tsas.createMissing(cas(f).issuing(), "test");
            assertTrue(stamp(tsas, "default", "one").granted());
            TsaInfo retired = tsas.retire("default", "admin");
            assertEquals("retired", retired.status());
            assertNotNull(retired.retiredAt());
            assertEquals(1L, retired.tokensIssued());
            assertTrue(retired.refusal().contains("retired"), retired.refusal());

            TsaReply r = stamp(tsas, "default", "two");
            assertEquals(TsaReply.Failure.SYSTEM_FAILURE, r.failure());
            assertEquals(2, new TimeStampResponse(r.der()).getStatus(), "rejection");
            assertTrue(r.statusText().contains("retired"), r.statusText());
            CaException inProcess = assertThrows(CaException.class,
                    () -> tsas.builtIn("default", "system").timestamp("SHA-256", imprint("three")));
            assertTrue(inProcess.getMessage().contains("retired"), inProcess.getMessage());
            assertEquals(CaException.Kind.CONFLICT, inProcess.kind(), "PAdES gets a 409, not a 503: waiting will not help");
            assertEquals(1L, tsas.get("default").tokensIssued());
            assertTrue(f.hsm.signingKeys(KeyPurpose.TIMESTAMPING).list().isEmpty(), "its key is destroyed");
            assertEquals("tsa-not-active", assertThrows(CaException.class, () -> tsas.rekey("default", "admin")).code());
            assertEquals("tsa-changed", assertThrows(CaException.class, () -> tsas.retire("default", "admin")).code());
            assertTrue(actions(f, "default").containsAll(List.of("tsa.retire", "tsa.key.destroy")));

            // Another node (or a restart) sees it retired too.
            TimeStampAuthorities other = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("default", false));
            assertTrue(stamp(other, "default", "four").statusText().contains("retired"));
        }
    }

    @Test
    void revoking_the_tsa_certificate_stops_it_at_once_here_and_after_a_refresh_on_another_node() throws Exception {
        try (CaFixture f = new CaFixture(dir); Revocations revocations = revocations(f)) {
            String ca = cas(f).issuing();
            TimeStampAuthorities here = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("default", false));
            revocations.afterChange(here::refresh);
            here.createMissing(ca, "test");
            TimeStampAuthorities otherNode = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("default", false));
            assertTrue(stamp(here, "default", "a").granted());
            assertTrue(stamp(otherNode, "default", "b").granted());
            String serial = x509(here.get("default").certificatePem()).getSerialNumber().toString(16);

            revocations.revoke(ca, serial, "certificateHold", null, "officer", false);

            TsaReply refused = stamp(here, "default", "c");
            assertEquals(TsaReply.Failure.SYSTEM_FAILURE, refused.failure());
            assertTrue(refused.statusText().contains("revoked"), refused.statusText());
            otherNode.refresh(); // what its revocation poll does when the CA's generation moves
            assertTrue(stamp(otherNode, "default", "d").statusText().contains("revoked"));

            // Released from hold: it stamps again.
            revocations.release(ca, serial, "officer", false);
            assertTrue(stamp(here, "default", "e").granted());
        }
    }

    @Test
    void a_tsa_whose_issuing_ca_certificate_is_revoked_stops_stamping() throws Exception {
        try (CaFixture f = new CaFixture(dir); Revocations revocations = revocations(f)) {
            Cas cas = cas(f);
            TimeStampAuthorities tsas = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("default", false));
            revocations.afterChange(tsas::refresh);
            tsas.createMissing(cas.issuing(), "test");
            assertTrue(stamp(tsas, "default", "a").granted());
            String caSerial = x509(f.cas.get(cas.issuing()).certificatePem()).getSerialNumber().toString(16);

            revocations.revoke(cas.root(), caSerial, "keyCompromise", null, "admin", true);

            TsaReply r = stamp(tsas, "default", "b");
            assertEquals(TsaReply.Failure.SYSTEM_FAILURE, r.failure());
            assertTrue(r.statusText().contains("'" + cas.issuing() + "') is retired"), r.statusText());
            // Nor can it be re-keyed under that CA, and the refusal makes no key in the HSM.
            List<String> keys = tsaKeys(f);
            int generated = f.hsm.generated.get();
            assertEquals(CaException.Kind.CONFLICT, assertThrows(CaException.class, () -> tsas.rekey("default", "admin")).kind());
            assertEquals(generated, f.hsm.generated.get(), "refused before a new key was generated");
            assertEquals(keys, tsaKeys(f));
        }
    }

    @Test
    void a_tsa_that_a_root_ca_would_certify_is_refused_before_its_key_is_made() throws Exception {
        try (CaFixture f = new CaFixture(dir)) {
            Cas cas = cas(f);
            TimeStampAuthorities tsas = tsas(f, Clock.systemUTC(), TsaTimeSource.SYSTEM, settings("default", false));
            int generated = f.hsm.generated.get();
            CaException refused = assertThrows(CaException.class, () -> tsas.createMissing(cas.root(), "test"));
            assertEquals("root-issues-end-entity", refused.code());
            assertEquals(generated, f.hsm.generated.get(), "no key generated for a certificate the root may not issue");
            assertEquals(List.of(), tsaKeys(f), "and none left in the HSM");
        }
    }

    private static List<String> tsaKeys(CaFixture f) {
        return f.hsm.signingKeys(KeyPurpose.TIMESTAMPING).list().stream().map(dev.signet.hsm.KeyInfo::label).sorted().toList();
    }

    @Test
    void a_tsa_certificate_with_a_third_of_its_life_left_is_rolled_over() throws Exception {
        TimeStampAuthoritiesTest.SetClock clock = new TimeStampAuthoritiesTest.SetClock();
        try (CaFixture f = new CaFixture(dir)) {
            TimeStampAuthorities tsas = tsas(f, clock, TsaTimeSource.SYSTEM, settings("default", false));
            tsas.createMissing(cas(f).issuing(), "test");
            assertEquals(List.of(), tsas.rollOverDue("signet"));
            X509Certificate c = x509(tsas.get("default").certificatePem());
            long life = c.getNotAfter().getTime() - c.getNotBefore().getTime();
            clock.millis.set(c.getNotBefore().getTime() + life * 7 / 10);
            assertEquals(List.of("default"), tsas.rollOverDue("signet"));
            assertEquals(1, tsas.get("default").previousCertificates().size());
            clock.millis.set(System.currentTimeMillis()); // the CA's clock, under which the new certificate was made
            assertEquals(List.of(), tsas.rollOverDue("signet"), "the new certificate is young");
            assertTrue(stamp(tsas, "default", "after the roll-over").granted());
        }
    }

    @Test
    void while_the_time_source_cannot_vouch_for_the_clock_every_query_gets_time_not_available() throws Exception {
        AtomicReference<String> unavailable = new AtomicReference<>();
        try (CaFixture f = new CaFixture(dir)) {
            TimeStampAuthorities tsas = tsas(f, Clock.systemUTC(), unavailable::get, settings("default", false));
            tsas.createMissing(cas(f).issuing(), "test");
            assertTrue(stamp(tsas, "default", "a").granted());
            unavailable.set("no NTP server answered for 60 s");
            TsaReply r = stamp(tsas, "default", "b");
            assertEquals(TsaReply.Failure.TIME_NOT_AVAILABLE, r.failure());
            assertEquals("no NTP server answered for 60 s", r.statusText());
            assertEquals("no NTP server answered for 60 s", tsas.get("default").refusal());
            unavailable.set(null);
            assertTrue(stamp(tsas, "default", "c").granted());
            assertNull(tsas.get("default").refusal());
            assertFalse(tsas.get("default").rejections().get("timeNotAvailable") == 0L);
        }
    }

    private static byte[] der(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
