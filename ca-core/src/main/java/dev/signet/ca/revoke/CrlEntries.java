package dev.signet.ca.revoke;

import dev.signet.ca.CaException;
import dev.signet.ca.RevocationReason;
import dev.signet.ca.store.RevocationStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERGeneralizedTime;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Time;

/**
 * The revokedCertificates of one CRL, DER-encoded one entry at a time into a temporary file, so
 * that the entries of a large CRL are never all objects in memory at once. Each entry is checked
 * as it is written: a positive serial, a known reason, and removeFromCRL only in a delta.
 */
final class CrlEntries implements RevocationStore.EntrySink, AutoCloseable {

    private final Path file;
    private final OutputStream out;
    private final boolean delta;
    private final Instant thisUpdate;
    private long bytes;
    private long count;

    CrlEntries(boolean delta, Instant thisUpdate) {
        this.delta = delta;
        this.thisUpdate = thisUpdate;
        try {
            this.file = Files.createTempFile("signet-crl-", ".der");
            this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the CRL entries", e);
        }
    }

    @Override
    public void accept(RevocationStore.Entry e) {
        BigInteger serial = new BigInteger(e.serialHex(), 16);
        if (serial.signum() <= 0) {
            throw CaException.refused("lint:crl", "RFC 5280 4.1.2.2: serial " + e.serialHex() + " is not positive");
        }
        int code = e.reasonCode();
        if (e.removed()) {
            if (!delta) {
                throw new IllegalStateException("removeFromCRL outside a delta CRL");
            }
            code = RevocationReason.REMOVE_FROM_CRL;
        } else {
            RevocationReason.ofCode(code); // a known reason or an exception
        }
        // Hand-encoded DER (the same bytes Bouncy Castle writes; CrlEntriesTest compares them): a
        // million entries through ASN.1 objects and date formatters took seconds.
        byte[] serialBytes = serial.toByteArray();
        // RFC 5280 5.3.1: the reasonCode extension is absent rather than "unspecified".
        byte[] reasonExt = code == RevocationReason.UNSPECIFIED.code() ? null : REASON_EXTENSIONS[code];
        Instant invalidity = e.removed() ? null : e.invalidityDate();
        // A released hold is no longer revoked, but an entry needs a date: the delta's thisUpdate, by
        // which the release had happened.
        Instant when = e.revokedAt() != null ? e.revokedAt() : thisUpdate;
        int timeLength = utc(when) ? 13 : 15;
        int extsContent = (reasonExt == null ? 0 : reasonExt.length) + (invalidity == null ? 0 : INVALIDITY_EXTENSION_LENGTH);
        int content = 2 + serialBytes.length + 2 + timeLength + (extsContent == 0 ? 0 : 2 + extsContent);
        byte[] der = new byte[content + (content < 128 ? 2 : 3)];
        int i = 0;
        der[i++] = 0x30;
        if (content >= 128) {
            der[i++] = (byte) 0x81;
        }
        der[i++] = (byte) content;
        der[i++] = 0x02;
        der[i++] = (byte) serialBytes.length;
        System.arraycopy(serialBytes, 0, der, i, serialBytes.length);
        i += serialBytes.length;
        i = time(der, i, when, utc(when));
        if (extsContent > 0) {
            der[i++] = 0x30;
            der[i++] = (byte) extsContent;
            if (reasonExt != null) {
                System.arraycopy(reasonExt, 0, der, i, reasonExt.length);
                i += reasonExt.length;
            }
            if (invalidity != null) {
                System.arraycopy(INVALIDITY_PREFIX, 0, der, i, INVALIDITY_PREFIX.length);
                i += INVALIDITY_PREFIX.length;
                i = time(der, i, invalidity, false);
            }
        }
        try {
            out.write(der, 0, i);
            bytes += i;
            count++;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the CRL entries", ex);
        }
    }

    /** The DER of one entry with Bouncy Castle's ASN.1 objects: the reference the fast encoder must match. */
    static byte[] reference(BigInteger serial, Instant when, int code, Instant invalidity) {
        ASN1EncodableVector exts = new ASN1EncodableVector();
        if (code != 0) {
            exts.add(extension(Extension.reasonCode, new ASN1Enumerated(code)));
        }
        if (invalidity != null) {
            exts.add(extension(Extension.invalidityDate, new DERGeneralizedTime(Date.from(invalidity.truncatedTo(ChronoUnit.SECONDS)))));
        }
        ASN1EncodableVector entry = new ASN1EncodableVector();
        entry.add(new ASN1Integer(serial));
        entry.add(new Time(Date.from(when.truncatedTo(ChronoUnit.SECONDS))));
        if (exts.size() > 0) {
            entry.add(new DERSequence(exts));
        }
        try {
            return new DERSequence(entry).getEncoded(ASN1Encoding.DER);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static final byte[][] REASON_EXTENSIONS = new byte[11][];
    /** SEQUENCE { OID invalidityDate, OCTET STRING { GeneralizedTime } }, up to the time's own tag. */
    private static final byte[] INVALIDITY_PREFIX = {0x30, 0x18, 0x06, 0x03, 0x55, 0x1d, 0x18, 0x04, 0x11};
    private static final int INVALIDITY_EXTENSION_LENGTH = INVALIDITY_PREFIX.length + 2 + 15;

    static {
        for (int code = 1; code <= 10; code++) {
            try {
                REASON_EXTENSIONS[code] = extension(Extension.reasonCode, new ASN1Enumerated(code)).getEncoded(ASN1Encoding.DER);
            } catch (IOException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** RFC 5280 5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050 (and before 1950). */
    private static boolean utc(Instant t) {
        int year = t.atZone(java.time.ZoneOffset.UTC).getYear();
        return year >= 1950 && year < 2050;
    }

    /** Writes a UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) with its tag and length. */
    private static int time(byte[] b, int i, Instant t, boolean utc) {
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, java.time.ZoneOffset.UTC);
        b[i++] = utc ? (byte) 0x17 : (byte) 0x18;
        b[i++] = utc ? (byte) 13 : (byte) 15;
        if (!utc) {
            i = two(b, i, d.getYear() / 100);
        }
        i = two(b, i, d.getYear() % 100);
        i = two(b, i, d.getMonthValue());
        i = two(b, i, d.getDayOfMonth());
        i = two(b, i, d.getHour());
        i = two(b, i, d.getMinute());
        i = two(b, i, d.getSecond());
        b[i++] = 'Z';
        return i;
    }

    private static int two(byte[] b, int i, int v) {
        b[i++] = (byte) ('0' + v / 10);
        b[i++] = (byte) ('0' + v % 10);
        return i;
    }

    private static DERSequence extension(org.bouncycastle.asn1.ASN1ObjectIdentifier oid, org.bouncycastle.asn1.ASN1Object value) {
        try {
            return new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {oid, new DEROctetString(value.getEncoded(ASN1Encoding.DER))});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Finishes writing; the entries are then readable from {@link #file()}. */
    void finish() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CRL entries", e);
        }
    }

    Path file() {
        return file;
    }

    long bytes() {
        return bytes;
    }

    long count() {
        return count;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // closing after a failure; the file is deleted next
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file left behind is harmless
        }
    }
}
