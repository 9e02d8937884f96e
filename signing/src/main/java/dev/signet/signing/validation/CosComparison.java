package dev.signet.signing.validation;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSBoolean;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNull;
import org.apache.pdfbox.cos.COSNumber;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;

/**
 * Deep equality of two object graphs, one from an earlier revision and one from the final file.
 * An indirect object whose xref entry is the same in both revisions is the same bytes, so it is
 * equal without looking inside; everything else is compared by value, streams by their raw
 * (still encoded) bytes so that nothing is decompressed. Bounded in depth and in work.
 */
final class CosComparison {
    static final int MAX_DEPTH = 256;
    static final long MAX_WORK = 2_000_000;

    /** Thrown when a file is too deep or too large to compare within the bounds. */
    static final class TooComplex extends IOException {
        TooComplex(String m) {
            super(m);
        }
    }

    private final Map<COSObjectKey, Long> xrefA;
    private final Map<COSObjectKey, Long> xrefB;
    private final Set<String> assumedEqual = new HashSet<>();
    private long work;

    CosComparison(Map<COSObjectKey, Long> xrefA, Map<COSObjectKey, Long> xrefB) {
        this.xrefA = xrefA;
        this.xrefB = xrefB;
    }

    boolean equal(COSBase a, COSBase b, Set<COSName> ignoredKeys) throws IOException {
        return equal(a, b, ignoredKeys, 0);
    }

    private boolean equal(COSBase a, COSBase b, Set<COSName> ignored, int depth) throws IOException {
        if (++work > MAX_WORK) throw new TooComplex("the file is too large to compare its revisions");
        if (depth > MAX_DEPTH) throw new TooComplex("objects nested deeper than " + MAX_DEPTH);
        COSObjectKey ka = keyOf(a);
        COSObjectKey kb = keyOf(b);
        if (ka != null && kb != null) {
            if (ka.equals(kb) && sameEntry(ka)) return true;
            String pair = ka + "|" + kb;
            if (!assumedEqual.add(pair)) return true; // already being compared higher up: a cycle
        }
        a = resolve(a);
        b = resolve(b);
        if (a == null || a instanceof COSNull) return b == null || b instanceof COSNull;
        if (b == null || b instanceof COSNull) return false;
        if (a instanceof COSStream sa) {
            return b instanceof COSStream sb && dictEqual(sa, sb, ignored, depth) && rawEqual(sa, sb);
        }
        if (a instanceof COSDictionary da) {
            return b instanceof COSDictionary db && !(b instanceof COSStream) && dictEqual(da, db, ignored, depth);
        }
        if (a instanceof COSArray aa) {
            if (!(b instanceof COSArray ab) || aa.size() != ab.size()) return false;
            for (int i = 0; i < aa.size(); i++) if (!equal(aa.get(i), ab.get(i), Set.of(), depth + 1)) return false;
            return true;
        }
        if (a instanceof COSString s) return b instanceof COSString t && Arrays.equals(s.getBytes(), t.getBytes());
        if (a instanceof COSName n) return n.equals(b);
        if (a instanceof COSNumber n) return b instanceof COSNumber m && n.floatValue() == m.floatValue() && n.longValue() == m.longValue();
        if (a instanceof COSBoolean x) return b instanceof COSBoolean y && x.getValue() == y.getValue();
        return false;
    }

    private boolean dictEqual(COSDictionary a, COSDictionary b, Set<COSName> ignored, int depth) throws IOException {
        Set<COSName> keys = new HashSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (COSName k : keys) {
            if (ignored.contains(k)) continue;
            if (!equal(a.getItem(k), b.getItem(k), Set.of(), depth + 1)) return false;
        }
        return true;
    }

    private boolean rawEqual(COSStream a, COSStream b) throws IOException {
        try (InputStream ia = a.createRawInputStream(); InputStream ib = b.createRawInputStream()) {
            byte[] ba = new byte[16 * 1024];
            byte[] bb = new byte[16 * 1024];
            while (true) {
                int na = ia.readNBytes(ba, 0, ba.length);
                int nb = ib.readNBytes(bb, 0, bb.length);
                work += na / 1024;
                if (na != nb || !Arrays.equals(ba, 0, na, bb, 0, nb)) return false;
                if (na < ba.length) return true;
            }
        }
    }

    /** Same xref entry in both revisions (and, inside an object stream, the same object stream). */
    private boolean sameEntry(COSObjectKey k) {
        Long a = xrefA.get(k);
        Long b = xrefB.get(k);
        if (a == null || !a.equals(b)) return false;
        if (a >= 0) return true;
        // PDFBox keeps an object-stream member as minus the stream's object number
        COSObjectKey stream = new COSObjectKey(-a, 0);
        Long sa = xrefA.get(stream);
        return sa != null && sa >= 0 && sa.equals(xrefB.get(stream));
    }

    static COSObjectKey keyOf(COSBase x) {
        if (x instanceof COSObject o) return o.getKey();
        return x == null ? null : x.getKey();
    }

    static COSBase resolve(COSBase x) {
        return x instanceof COSObject o ? o.getObject() : x;
    }
}
