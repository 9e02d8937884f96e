package dev.signet.signing.validation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNumber;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.asn1.ASN1Primitive;

/** What the validator reads from a loaded PDF: its signature fields and its DSS dictionary. */
final class PdfStructure {
    /** Decoded DSS streams (certificates, CRLs, OCSP responses) larger than this are refused. */
    static final int MAX_DSS_STREAM = 8 * 1024 * 1024;

    private PdfStructure() {}

    static List<SignatureEntry> signatures(PDDocument doc) {
        List<SignatureEntry> out = new ArrayList<>();
        PDAcroForm form = doc.getDocumentCatalog().getAcroForm(null);
        if (form == null) return out;
        Map<COSObjectKey, Long> xref = doc.getDocument().getXrefTable();
        for (PDField field : form.getFieldTree()) {
            if (!(field instanceof PDSignatureField sf)) continue;
            COSBase vItem = sf.getCOSObject().getItem(COSName.V);
            COSBase v = sf.getCOSObject().getDictionaryObject(COSName.V);
            if (!(v instanceof COSDictionary dict)) continue;
            long offset = -1;
            COSObjectKey key = vItem instanceof COSObject o ? o.getKey() : dict.getKey();
            if (key != null && xref.get(key) != null) offset = xref.get(key);
            else if (!(vItem instanceof COSObject)) {
                // a direct dictionary lives inside the field's own object
                COSObjectKey fk = sf.getCOSObject().getKey();
                if (fk != null && xref.get(fk) != null) offset = xref.get(fk);
            }
            boolean docTs = COSName.getPDFName("DocTimeStamp").equals(dict.getCOSName(COSName.TYPE));
            out.add(new SignatureEntry(
                    field.getFullyQualifiedName(),
                    docTs,
                    dict.getNameAsString(COSName.SUB_FILTER),
                    offset,
                    byteRange(dict),
                    dict.getDictionaryObject(COSName.CONTENTS) instanceof COSString s ? s.getBytes() : null,
                    dict.getDate(COSName.M),
                    docMdp(dict),
                    lock(sf.getCOSObject(), dict)));
        }
        return out;
    }

    private static long[] byteRange(COSDictionary dict) {
        if (!(dict.getDictionaryObject(COSName.BYTERANGE) instanceof COSArray a) || a.size() != 4) return null;
        long[] r = new long[4];
        for (int i = 0; i < 4; i++) {
            if (!(a.getObject(i) instanceof COSNumber n) || !(n instanceof org.apache.pdfbox.cos.COSInteger)) return null;
            r[i] = n.longValue();
            if (r[i] < 0) return null;
        }
        return r;
    }

    private static Integer docMdp(COSDictionary sig) {
        if (!(sig.getDictionaryObject(COSName.getPDFName("Reference")) instanceof COSArray refs)) return null;
        for (int i = 0; i < refs.size(); i++) {
            if (!(refs.getObject(i) instanceof COSDictionary ref)) continue;
            if (!"DocMDP".equals(ref.getNameAsString(COSName.getPDFName("TransformMethod")))) continue;
            COSDictionary params = ref.getCOSDictionary(COSName.getPDFName("TransformParams"));
            int p = params == null ? 2 : params.getInt(COSName.P, 2);
            return Math.max(1, Math.min(3, p));
        }
        return null;
    }

    private static SignatureEntry.FieldLock lock(COSDictionary field, COSDictionary sig) {
        COSDictionary lock = field.getCOSDictionary(COSName.getPDFName("Lock"));
        if (lock == null && sig.getDictionaryObject(COSName.getPDFName("Reference")) instanceof COSArray refs) {
            for (int i = 0; i < refs.size() && lock == null; i++) {
                if (refs.getObject(i) instanceof COSDictionary ref
                        && "FieldMDP".equals(ref.getNameAsString(COSName.getPDFName("TransformMethod")))) {
                    lock = ref.getCOSDictionary(COSName.getPDFName("TransformParams"));
                }
            }
        }
        if (lock == null) return null;
        Set<String> fields = new HashSet<>();
        if (lock.getDictionaryObject(COSName.FIELDS) instanceof COSArray fa) {
            for (int i = 0; i < fa.size(); i++) if (fa.getObject(i) instanceof COSString s) fields.add(s.getString());
        }
        String action = lock.getNameAsString(COSName.getPDFName("Action"));
        Integer p = lock.containsKey(COSName.P) ? lock.getInt(COSName.P) : null;
        return new SignatureEntry.FieldLock(action == null ? "All" : action, Set.copyOf(fields), p);
    }

    /** The DSS dictionary's certificates and revocation data (all of its /Certs, /CRLs, /OCSPs). */
    static void readDss(PDDocument doc, List<X509Certificate> certs, Revocation revocation) throws IOException {
        COSDictionary dss = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.getPDFName("DSS"));
        if (dss == null) return;
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (byte[] b : streams(dss, "Certs")) {
                try {
                    certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b)));
                } catch (Exception ignored) {
                    // not a certificate: no candidate
                }
            }
            for (byte[] b : streams(dss, "CRLs")) {
                try {
                    revocation.addCrl((X509CRL) cf.generateCRL(new ByteArrayInputStream(b)), true);
                } catch (Exception ignored) {
                    // not a CRL: no revocation data
                }
            }
            for (byte[] b : streams(dss, "OCSPs")) {
                try {
                    CmsSignature.addOcspResponse(revocation, ASN1Primitive.fromByteArray(b), true);
                } catch (Exception ignored) {
                    // not an OCSP response
                }
            }
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e); // every JDK has an X.509 factory
        }
    }

    static boolean hasDss(PDDocument doc) {
        return doc.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.getPDFName("DSS")) != null;
    }

    /** Offset of the DSS dictionary's object (or of the catalog holding it directly), -1 when unknown. */
    static long dssOffset(PDDocument doc) {
        COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
        COSBase item = catalog.getItem(COSName.getPDFName("DSS"));
        COSObjectKey key = item instanceof COSObject o ? o.getKey() : catalog.getKey();
        Long off = key == null ? null : doc.getDocument().getXrefTable().get(key);
        return off == null ? -1 : off;
    }

    /**
     * Raw or Flate-decoded data, read lazily so that a bomb stops at the size limit (PDFBox's own
     * decoding would inflate the whole stream first). Null for other filters, which DSS data does not use.
     */
    private static InputStream boundedDecode(COSStream s) throws IOException {
        COSBase filter = s.getDictionaryObject(COSName.FILTER);
        if (filter instanceof COSArray fa && fa.size() == 1) filter = fa.getObject(0);
        if (filter == null) return s.createRawInputStream();
        if (COSName.FLATE_DECODE.equals(filter)) {
            if (s.getDictionaryObject(COSName.DECODE_PARMS) != null) return null;
            return new java.util.zip.InflaterInputStream(s.createRawInputStream());
        }
        return null;
    }

    private static List<byte[]> streams(COSDictionary dss, String name) throws IOException {
        List<byte[]> out = new ArrayList<>();
        if (!(dss.getDictionaryObject(COSName.getPDFName(name)) instanceof COSArray a)) return out;
        for (int i = 0; i < a.size() && i < 10_000; i++) {
            if (a.getObject(i) instanceof COSStream s) {
                try (InputStream in = boundedDecode(s)) {
                    if (in == null) continue;
                    byte[] data = in.readNBytes(MAX_DSS_STREAM + 1);
                    if (data.length > MAX_DSS_STREAM) throw new IOException("a DSS stream decodes to more than " + MAX_DSS_STREAM + " bytes");
                    out.add(data);
                }
            }
        }
        return out;
    }
}
