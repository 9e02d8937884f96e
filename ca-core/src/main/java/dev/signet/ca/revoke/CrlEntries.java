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
        ASN1EncodableVector exts = new ASN1EncodableVector();
        int code = e.reasonCode();
        if (e.removed()) {
            if (!delta) {
                throw new IllegalStateException("removeFromCRL outside a delta CRL");
            }
            code = RevocationReason.REMOVE_FROM_CRL;
        } else {
            RevocationReason.ofCode(code); // a known reason or an exception
        }
        // RFC 5280 5.3.1: the reasonCode extension is absent rather than "unspecified".
        if (code != RevocationReason.UNSPECIFIED.code()) {
            exts.add(extension(Extension.reasonCode, new ASN1Enumerated(code)));
        }
        if (e.invalidityDate() != null && !e.removed()) {
            exts.add(extension(Extension.invalidityDate,
                    new DERGeneralizedTime(Date.from(e.invalidityDate().truncatedTo(ChronoUnit.SECONDS)))));
        }
        // A released hold is no longer revoked, but an entry needs a date: the delta's thisUpdate, by
        // which the release had happened.
        Instant when = e.revokedAt() != null ? e.revokedAt() : thisUpdate;
        ASN1EncodableVector entry = new ASN1EncodableVector();
        entry.add(new ASN1Integer(serial));
        entry.add(new Time(Date.from(when.truncatedTo(ChronoUnit.SECONDS))));
        if (exts.size() > 0) {
            entry.add(new DERSequence(exts));
        }
        try {
            byte[] der = new DERSequence(entry).getEncoded(ASN1Encoding.DER);
            out.write(der);
            bytes += der.length;
            count++;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the CRL entries", ex);
        }
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
