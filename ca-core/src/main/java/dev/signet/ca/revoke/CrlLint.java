package dev.signet.ca.revoke;

import dev.signet.ca.CaException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The checks a CRL's header passes before it is signed, each citing its source. Entries are checked
 * one by one as they are encoded ({@link CrlEntries}), so that a million of them never have to be
 * held or parsed again.
 */
final class CrlLint {

    /** RFC 5280 5.2.3: cRLNumber is at most 20 octets. */
    private static final BigInteger MAX_CRL_NUMBER = BigInteger.ONE.shiftLeft(159);
    /** RFC 5280 5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050 (we only ever use UTCTime here). */
    private static final Instant UTC_TIME_END = Instant.parse("2050-01-01T00:00:00Z");

    private CrlLint() {
    }

    /**
     * What is about to be signed, as the builder laid it out. {@code distributionPoint} is the IDP's
     * URL (null for none) and {@code expectedUrl} the one the CA's certificates name (null when the
     * CA's CRLs are not scoped).
     */
    record Header(X500Name issuer, X500Name caSubject, Instant thisUpdate, Instant nextUpdate, long number,
            Long baseNumber, byte[] authorityKeyId, byte[] caSubjectKeyId, String distributionPoint, String expectedUrl) {
    }

    static void enforce(Header h) {
        List<String> violations = new ArrayList<>();
        if (!h.issuer().equals(h.caSubject())) {
            violations.add("RFC 5280 5.1.2.3: the issuer must be the CA's subject");
        }
        if (!h.nextUpdate().isAfter(h.thisUpdate())) {
            violations.add("RFC 5280 5.1.2.5: nextUpdate must be later than thisUpdate");
        }
        if (!h.nextUpdate().isBefore(UTC_TIME_END)) {
            violations.add("RFC 5280 5.1.2.4: times from 2050 need GeneralizedTime");
        }
        if (h.number() < 1 || BigInteger.valueOf(h.number()).compareTo(MAX_CRL_NUMBER) >= 0) {
            violations.add("RFC 5280 5.2.3: cRLNumber must be a positive integer of at most 20 octets");
        }
        if (h.baseNumber() != null && (h.baseNumber() < 1 || h.baseNumber() >= h.number())) {
            violations.add("RFC 5280 5.2.4: a delta CRL's BaseCRLNumber must be lower than its own cRLNumber");
        }
        if (h.caSubjectKeyId() != null && !Arrays.equals(h.authorityKeyId(), h.caSubjectKeyId())) {
            violations.add("RFC 5280 5.2.1: the AKI must be the CA certificate's subject key identifier");
        }
        if (!java.util.Objects.equals(h.expectedUrl(), h.distributionPoint())) {
            violations.add("RFC 5280 5.2.5: the issuingDistributionPoint must be the URL in the CA's certificates");
        }
        if (!violations.isEmpty()) {
            throw CaException.refused("lint:crl", "the CRL failed lint: " + String.join("; ", violations));
        }
    }
}
