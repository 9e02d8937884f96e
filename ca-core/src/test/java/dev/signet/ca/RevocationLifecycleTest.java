package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.store.CaStore;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CRLs and the OCSP responder over time, with a clock the test moves: CRL numbers shared by full and
 * delta CRLs, a released hold in the delta as removeFromCRL, what happens to expired certificates,
 * and the responder's rollover. CRLs are read with the JDK's parser, responses with Bouncy Castle's.
 */
class RevocationLifecycleTest {

    @TempDir
    Path dir;

    /** A clock the test sets. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private static X509CRL parse(PublishedCrl c) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(c.der()));
    }

    private static long number(X509CRL crl, String oid) {
        byte[] ext = crl.getExtensionValue(oid);
        return ext == null ? -1 : ASN1Integer.getInstance(ASN1OctetString.getInstance(ext).getOctets()).longValueExact();
    }

    private Revocations revocations(CaFixture f, Clock clock) {
        return revocations(f, clock, RevocationSettings.defaults());
    }

    private Revocations revocations(CaFixture f, Clock clock, RevocationSettings settings) {
        return new Revocations(f.cas, new CaStore(f.db), new RevocationStore(f.db), f.hsm.signingKeys(KeyPurpose.CA),
                f.hsm.signingKeys(KeyPurpose.OCSP), settings, clock);
    }

    private static CaInfo issuingCa(CaFixture f) {
        CaInfo root = f.cas.createRoot(new NewCa("Root", "CN=Lifecycle Root", KeyAlgorithm.EC_P256, null, null,
                "http://127.0.0.1:1"), "admin");
        return f.cas.createSubordinate(root.id(), new NewCa("Issuing", "CN=Lifecycle Issuing", KeyAlgorithm.EC_P256, null, null,
                "http://127.0.0.1:1"), null, "admin");
    }

    @Test
    void full_and_delta_crls_share_one_increasing_number_and_a_released_hold_is_remove_from_crl() throws Exception {
        try (CaFixture f = new CaFixture(dir); Revocations r = revocations(f, Clock.systemUTC())) {
            CaInfo ca = issuingCa(f);
            r.start();
            IssuedCertificate a = f.cas.issue(ca.id(), "tls-server", csr("a.example.com"), "officer");
            IssuedCertificate b = f.cas.issue(ca.id(), "tls-server", csr("b.example.com"), "officer");
            PublishedCrl base = r.publishCrlsNow(ca.id());
            r.revoke(ca.id(), a.serial(), "keyCompromise", Instant.parse("2026-01-01T00:00:00Z"), "officer", false);
            r.revoke(ca.id(), b.serial(), "certificateHold", null, "officer", false);
            r.release(ca.id(), b.serial(), "officer", false);
            PublishedCrl full = r.publishCrlsNow(ca.id());
            PublishedCrl delta = r.crl(ca.id(), true).orElseThrow();

            X509CRL fullCrl = parse(full);
            X509CRL deltaCrl = parse(delta);
            assertTrue(full.number() > base.number());
            assertTrue(delta.number() > full.number(), "the delta's number comes after the full CRL it was made with");
            assertEquals(full.number(), number(fullCrl, Extension.cRLNumber.getId()));
            assertEquals(base.number(), number(deltaCrl, Extension.deltaCRLIndicator.getId()), "its base is the previous full CRL");
            fullCrl.verify(cert(ca).getPublicKey());
            deltaCrl.verify(cert(ca).getPublicKey());

            X509CRLEntry revoked = fullCrl.getRevokedCertificate(new BigInteger(a.serial(), 16));
            assertEquals(java.security.cert.CRLReason.KEY_COMPROMISE, revoked.getRevocationReason());
            assertNotNull(revoked.getExtensionValue(Extension.invalidityDate.getId()));
            assertNull(fullCrl.getRevokedCertificate(new BigInteger(b.serial(), 16)), "a released hold is off the full CRL");
            X509CRLEntry removed = deltaCrl.getRevokedCertificate(new BigInteger(b.serial(), 16));
            assertEquals(java.security.cert.CRLReason.REMOVE_FROM_CRL, removed.getRevocationReason());
            assertNotNull(deltaCrl.getRevokedCertificate(new BigInteger(a.serial(), 16)));
        }
    }

    @Test
    void an_expired_certificate_stays_on_the_crl_for_one_crl_period_then_is_removed() throws Exception {
        MovableClock clock = new MovableClock();
        try (CaFixture f = new CaFixture(dir); Revocations r = revocations(f, clock)) {
            CaInfo ca = issuingCa(f);
            r.start();
            IssuedCertificate a = f.cas.issue(ca.id(), "tls-server", csr("expiring.example.com"), "officer");
            r.revoke(ca.id(), a.serial(), "superseded", null, "officer", false);
            BigInteger serial = new BigInteger(a.serial(), 16);

            clock.now.set(a.notAfter().plus(Duration.ofHours(1)));
            assertNotNull(parse(r.publishCrlsNow(ca.id())).getRevokedCertificate(serial),
                    "just expired: still listed (RFC 5280 3.3: on one regular CRL after expiry)");
            clock.now.set(a.notAfter().plus(RevocationSettings.defaults().crlValidity()).plus(Duration.ofHours(1)));
            assertNull(parse(r.publishCrlsNow(ca.id())).getRevokedCertificate(serial),
                    "expired for longer than a CRL period: removed");
        }
    }

    @Test
    void the_responder_rolls_over_when_a_third_of_its_life_is_left_and_ocsp_never_says_good_after_a_revoke()
            throws Exception {
        MovableClock clock = new MovableClock();
        // A short revocation delay makes the background CRL job (which also rolls responders over) tick every 250 ms.
        try (CaFixture f = new CaFixture(dir);
                Revocations r = revocations(f, clock, RevocationSettings.defaults().withCrlAfterRevocation(Duration.ofSeconds(3)))) {
            CaInfo ca = issuingCa(f);
            r.start();
            IssuedCertificate a = f.cas.issue(ca.id(), "tls-server", csr("ocsp.example.com"), "officer");
            BasicOCSPResp good = basic(r.ocspResponse(ca.id(), a.serial()));
            assertNull(good.getResponses()[0].getCertStatus(), "good");
            RevocationState first = r.state(ca.id());
            assertNotNull(first.responderSerial());
            X509Certificate responder = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                    .getCertificate(good.getCerts()[0]);
            assertTrue(responder.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.9"), "OCSPSigning");
            assertNotNull(responder.getExtensionValue("1.3.6.1.5.5.7.48.1.5"), "id-pkix-ocsp-nocheck");
            assertTrue(good.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                    .build(responder.getPublicKey())));

            r.revoke(ca.id(), a.serial(), "keyCompromise", null, "officer", false);
            assertNotNull(basic(r.ocspResponse(ca.id(), a.serial())).getResponses()[0].getCertStatus(), "revoked at once");

            Duration life = Duration.between(first.responderNotAfter().minus(Duration.ofDays(90)), first.responderNotAfter());
            clock.now.set(first.responderNotAfter().minus(life.dividedBy(4)));
            // The CRL job ticks every 250 ms; a loaded CI machine may run it late, so allow 30 s.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (r.state(ca.id()).responderSerial().equals(first.responderSerial()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            RevocationState second = r.state(ca.id());
            assertNotEquals(first.responderSerial(), second.responderSerial(), "a new responder");
            // (The CA issues on the real clock, so the new certificate's validity starts now, not at the moved time.)
            assertFalse(second.responderNotAfter().isBefore(first.responderNotAfter()));
            BasicOCSPResp after = basic(r.ocspResponse(ca.id(), a.serial()));
            assertFalse(after.getResponses()[0].getCertStatus() == null, "still revoked, under the new responder");
        }
    }

    private static byte[] csr(String dns) throws Exception {
        return Csrs.csr(Csrs.ec("secp256r1"), "CN=" + dns, java.util.List.of(Csrs.dns(dns)));
    }

    private static BasicOCSPResp basic(byte[] der) throws Exception {
        return (BasicOCSPResp) new OCSPResp(der).getResponseObject();
    }

    private static X509Certificate cert(CaInfo ca) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(ca.certificatePem().getBytes()));
    }
}
