package dev.signet.ca.revoke;

import dev.signet.ca.CaException;
import dev.signet.ca.AuditEvent;
import dev.signet.ca.store.RevocationStore;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SignedObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.operator.ContentSigner;

/**
 * Makes one CA's CRLs in Boulder's two steps. {@link #prepare} reserves the cRLNumber, streams the
 * entries from the store into a temporary file, lays out and lints the TBSCertList and records its
 * hash; only {@link #issue} signs, through the CA's scoped signer ({@link SignedObject#CRL}), and
 * stores. The TBSCertList is built with definite lengths around the streamed entries, so a CRL of
 * a million entries costs its own size in memory, not a million objects.
 */
public final class CrlIssuer {

    /**
     * Where a CA's CRLs are published and how long they are valid. {@code scoped}: whether they carry
     * an issuingDistributionPoint naming {@code crlUrl}. A self-signed root's are not scoped: its
     * own certificate names no distribution point, and relying parties that check the root against
     * its own CRL (OpenSSL's -crl_check_all) refuse a CRL scoped to one ("different CRL scope").
     */
    public record Policy(String crlUrl, String deltaUrl, Duration fullValidity, Duration deltaValidity, boolean deltas,
            boolean scoped) {
    }

    private final String caId;
    private final Certificate caCertificate;
    private final ScopedSigner signer;
    private final RevocationStore store;
    private final Clock clock;
    private final Policy policy;
    private final byte[] keyId;

    public CrlIssuer(String caId, Certificate caCertificate, ScopedSigner signer, RevocationStore store, Clock clock,
            Policy policy) {
        this.caId = caId;
        this.caCertificate = caCertificate;
        this.signer = signer;
        this.store = store;
        this.clock = clock;
        this.policy = policy;
        this.keyId = subjectKeyId(caCertificate);
    }

    public String caId() {
        return caId;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Prepares a full CRL ({@code base} null) or a delta CRL against {@code base}. Entries of
     * certificates that expired more than one full CRL period before thisUpdate are left off (RFC
     * 5280 3.3: an entry stays until it has appeared on one regular CRL after the certificate expired).
     */
    public PreparedCrl prepare(RevocationStore.CrlInfo base) {
        boolean delta = base != null;
        Instant thisUpdate = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = thisUpdate.plus(delta ? policy.deltaValidity() : policy.fullValidity());
        long number = store.reserveCrlNumber(caId, delta ? RevocationStore.DELTA : RevocationStore.FULL,
                delta ? base.number() : null);
        CrlEntries entries = new CrlEntries(delta, thisUpdate);
        try {
            long generation = store.readEntries(caId, delta ? base.generation() : null,
                    thisUpdate.minus(policy.fullValidity()), entries);
            entries.finish();
            X500Name issuer = caCertificate.getSubject();
            AlgorithmIdentifier algorithm = signer.contentSigner(SignedObject.CRL).getAlgorithmIdentifier();
            CrlLint.enforce(new CrlLint.Header(issuer, caCertificate.getSubject(), thisUpdate, nextUpdate, number,
                    delta ? base.number() : null, keyId, keyId, policy.scoped() ? policy.crlUrl() : null,
                    policy.scoped() ? policy.crlUrl() : null));

            ByteArrayOutputStream header = new ByteArrayOutputStream();
            write(header, new ASN1Integer(1)); // v2
            write(header, algorithm);
            write(header, issuer);
            write(header, new Time(Date.from(thisUpdate)));
            write(header, new Time(Date.from(nextUpdate)));
            byte[] revokedHeader = entries.count() == 0 ? new byte[0] : tagAndLength(0x30, entries.bytes());
            byte[] extensions = der(new DERTaggedObject(true, 0, extensions(number, delta ? base.number() : null)));

            MessageDigest sha = sha256();
            long tbsLength = header.size() + revokedHeader.length + entries.bytes() + extensions.length;
            sha.update(tagAndLength(0x30, tbsLength));
            sha.update(header.toByteArray());
            sha.update(revokedHeader);
            try (InputStream in = Files.newInputStream(entries.file())) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0;) {
                    sha.update(buf, 0, n);
                }
            }
            sha.update(extensions);
            byte[] hash = sha.digest();
            store.recordPrepared(caId, number, generation, thisUpdate, nextUpdate, entries.count(), hash);
            return new PreparedCrl(this, number, delta ? base.number() : null, generation, thisUpdate, nextUpdate,
                    header.toByteArray(), revokedHeader, entries, extensions, hash);
        } catch (IOException e) {
            entries.close();
            throw new UncheckedIOException("cannot read the CRL entries back", e);
        } catch (RuntimeException e) {
            entries.close();
            throw e;
        }
    }

    /**
     * Signs and stores a prepared CRL. @throws CaException CONFLICT if it was issued already or was
     * prepared by another issuer
     */
    public IssuedCrl issue(PreparedCrl p) {
        if (!p.preparedBy(this)) {
            throw CaException.conflict("token-wrong-issuer", "this CRL was prepared for another CA");
        }
        if (!p.claim()) {
            throw CaException.conflict("token-used", "this prepared CRL was already issued");
        }
        try (p) {
            long tbsLength = p.header().length + p.revokedHeader().length + p.entries().bytes() + p.extensions().length;
            byte[] tbsTag = tagAndLength(0x30, tbsLength);
            if (tbsTag.length + tbsLength > Integer.MAX_VALUE - 1024) {
                throw CaException.refused("crl-too-large", "the CRL would be larger than 2 GB");
            }
            // The TBSCertList is streamed into the signer (which only hashes until getSignature) and
            // into our own SHA-256; only if that is the hash recorded at prepare is the signature made.
            // No array of the TBS is built: the CRL's own array is the only copy in memory.
            ContentSigner cs = signer.contentSigner(SignedObject.CRL);
            MessageDigest sha = sha256();
            try (OutputStream out = cs.getOutputStream()) {
                for (byte[] part : new byte[][] {tbsTag, p.header(), p.revokedHeader()}) {
                    out.write(part);
                    sha.update(part);
                }
                try (InputStream in = Files.newInputStream(p.entries().file())) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0;) {
                        out.write(buf, 0, n);
                        sha.update(buf, 0, n);
                    }
                }
                out.write(p.extensions());
                sha.update(p.extensions());
            }
            if (!MessageDigest.isEqual(sha.digest(), p.tbsSha256())) {
                throw new IllegalStateException("the CRL to sign is not the one recorded");
            }
            byte[] alg = der(cs.getAlgorithmIdentifier());
            byte[] sig = der(new DERBitString(cs.getSignature()));
            long bodyLength = tbsTag.length + tbsLength + alg.length + sig.length;
            byte[] outer = tagAndLength(0x30, bodyLength);
            byte[] crl = new byte[(int) (outer.length + bodyLength)];
            int i = put(crl, 0, outer);
            i = put(crl, i, tbsTag);
            i = put(crl, i, p.header());
            i = put(crl, i, p.revokedHeader());
            try (InputStream in = Files.newInputStream(p.entries().file())) {
                int end = (int) (i + p.entries().bytes());
                while (i < end) {
                    int n = in.read(crl, i, end - i);
                    if (n < 0) {
                        throw new IllegalStateException("the CRL entries file is shorter than written");
                    }
                    i += n;
                }
            }
            i = put(crl, i, p.extensions());
            i = put(crl, i, alg);
            put(crl, i, sig);
            String kind = p.baseNumber() == null ? RevocationStore.FULL : RevocationStore.DELTA;
            store.storeIssued(caId, p.number(), crl, p.tbsSha256(), new AuditEvent("signet", "crl.issue", "crl",
                    caId + "/" + p.number(), "{\"kind\":\"" + kind + "\",\"entries\":" + p.entryCount() + "}"));
            return new IssuedCrl(new RevocationStore.CrlInfo(caId, p.number(), kind, p.baseNumber(), p.generation(),
                    p.thisUpdate(), p.nextUpdate(), p.entryCount()), crl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sign the CRL", e);
        }
    }

    private org.bouncycastle.asn1.x509.Extensions extensions(long number, Long baseNumber) throws IOException {
        ExtensionsGenerator g = new ExtensionsGenerator();
        g.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId));
        g.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
        if (baseNumber != null) {
            g.addExtension(Extension.deltaCRLIndicator, true, new CRLNumber(BigInteger.valueOf(baseNumber)));
        }
        // The same scope on full and delta CRLs (RFC 5280 5.2.4), naming the URL in the certificates.
        if (policy.scoped()) {
            g.addExtension(Extension.issuingDistributionPoint, true,
                    new IssuingDistributionPoint(name(policy.crlUrl()), false, false, null, false, false));
        }
        if (baseNumber == null && policy.deltas()) {
            g.addExtension(Extension.freshestCRL, false,
                    new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(name(policy.deltaUrl()), null, null)}));
        }
        return g.generate();
    }

    private static DistributionPointName name(String url) {
        return new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, url)));
    }

    private static byte[] subjectKeyId(Certificate ca) {
        org.bouncycastle.asn1.x509.Extensions exts = ca.getTBSCertificate().getExtensions();
        Extension ski = exts == null ? null : exts.getExtension(Extension.subjectKeyIdentifier);
        if (ski != null) {
            return ASN1OctetString.getInstance(ski.getParsedValue()).getOctets();
        }
        try {
            return MessageDigest.getInstance("SHA-1").digest(ca.getSubjectPublicKeyInfo().getPublicKeyData().getBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int put(byte[] into, int at, byte[] what) {
        System.arraycopy(what, 0, into, at, what.length);
        return at + what.length;
    }

    /** A DER tag and definite length for content of {@code length} octets. */
    static byte[] tagAndLength(int tag, long length) {
        if (length < 128) {
            return new byte[] {(byte) tag, (byte) length};
        }
        int octets = (64 - Long.numberOfLeadingZeros(length) + 7) / 8;
        byte[] out = new byte[2 + octets];
        out[0] = (byte) tag;
        out[1] = (byte) (0x80 | octets);
        for (int i = 0; i < octets; i++) {
            out[2 + i] = (byte) (length >>> (8 * (octets - 1 - i)));
        }
        return out;
    }

    private static void write(ByteArrayOutputStream out, ASN1Encodable o) {
        out.writeBytes(der(o));
    }

    private static byte[] der(ASN1Encodable o) {
        try {
            return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
