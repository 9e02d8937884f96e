package dev.signet.signing.validation;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;

/**
 * Compares a signed revision with the final file as a viewer shows it: pages (content, resources,
 * boxes), annotations, form fields, the catalog and the DSS. Comparing what is displayed, not which
 * objects were rewritten, is what defeats the shadow attacks, which reuse objects already signed.
 */
final class ChangeAnalyzer {
    private static final COSName ANNOTS = COSName.ANNOTS;
    private static final COSName DSS = COSName.getPDFName("DSS");
    private static final Set<COSName> PAGE_IGNORED = Set.of(COSName.ANNOTS, COSName.PARENT);
    private static final Set<COSName> ANNOT_IGNORED = Set.of(COSName.P, COSName.PARENT);
    private static final Set<COSName> CATALOG_IGNORED = Set.of(COSName.ACRO_FORM, DSS, COSName.PAGES,
            COSName.getPDFName("Extensions"), COSName.VERSION);
    private static final Set<COSName> ACROFORM_IGNORED = Set.of(COSName.FIELDS, COSName.getPDFName("SigFlags"),
            COSName.getPDFName("NeedAppearances"));
    private static final Set<COSName> FILL_KEYS = Set.of(COSName.V, COSName.AS, COSName.AP, COSName.getPDFName("MK"),
            COSName.PARENT, COSName.P, COSName.KIDS);

    private ChangeAnalyzer() {}

    static Changes compare(PDDocument signed, PDDocument last) throws IOException {
        Changes changes = new Changes();
        CosComparison cmp = new CosComparison(signed.getDocument().getXrefTable(), last.getDocument().getXrefTable());

        COSDictionary catA = signed.getDocumentCatalog().getCOSObject();
        COSDictionary catB = last.getDocumentCatalog().getCOSObject();
        if (!cmp.equal(catA, catB, CATALOG_IGNORED)) changes.add(Changes.Kind.OTHER, "the document catalog changed");
        if (!cmp.equal(catA.getItem(DSS), catB.getItem(DSS), Set.of())) changes.add(Changes.Kind.DSS, "validation data (DSS) added");

        Map<COSObjectKey, String> fieldsA = fieldKinds(signed);
        comparePages(signed, last, cmp, changes, fieldsA);
        compareFields(signed, last, cmp, changes);
        return changes;
    }

    private static void comparePages(PDDocument a, PDDocument b, CosComparison cmp, Changes changes,
            Map<COSObjectKey, String> fieldsA) throws IOException {
        int na = a.getNumberOfPages();
        int nb = b.getNumberOfPages();
        if (na != nb) changes.add(Changes.Kind.OTHER, "the number of pages changed from " + na + " to " + nb);
        Map<COSObjectKey, String> fieldsB = fieldKinds(b);
        for (int i = 0; i < Math.min(na, nb); i++) {
            PDPage pa = a.getPage(i);
            PDPage pb = b.getPage(i);
            boolean same = cmp.equal(pa.getCOSObject(), pb.getCOSObject(), PAGE_IGNORED)
                    && cmp.equal(pa.getResources() == null ? null : pa.getResources().getCOSObject(),
                            pb.getResources() == null ? null : pb.getResources().getCOSObject(), Set.of())
                    && cmp.equal(pa.getMediaBox().getCOSObject(), pb.getMediaBox().getCOSObject(), Set.of())
                    && cmp.equal(pa.getCropBox().getCOSObject(), pb.getCropBox().getCOSObject(), Set.of())
                    && pa.getRotation() == pb.getRotation();
            if (!same) changes.add(Changes.Kind.OTHER, "page " + (i + 1) + ": content or resources changed");
            compareAnnotations(i + 1, pa.getCOSObject(), pb.getCOSObject(), cmp, changes, fieldsA, fieldsB);
        }
    }

    private static void compareAnnotations(int page, COSDictionary pa, COSDictionary pb, CosComparison cmp, Changes changes,
            Map<COSObjectKey, String> fieldsA, Map<COSObjectKey, String> fieldsB) throws IOException {
        Map<Object, COSBase> before = annotations(pa);
        Map<Object, COSBase> after = annotations(pb);
        for (Map.Entry<Object, COSBase> e : after.entrySet()) {
            COSBase old = before.get(e.getKey());
            if (old != null && cmp.equal(old, e.getValue(), ANNOT_IGNORED)) continue;
            if (!(CosComparison.resolve(e.getValue()) instanceof COSDictionary annot)) continue;
            boolean widget = COSName.WIDGET.equals(annot.getCOSName(COSName.SUBTYPE));
            if (!widget) {
                changes.add(Changes.Kind.ANNOTATION, "page " + page + ": annotation " + subtype(annot) + (old == null ? " added" : " changed"));
                continue;
            }
            COSObjectKey fieldKey = fieldKeyOf(annot);
            String kindAfter = fieldsB.get(fieldKey);
            String kindBefore = fieldsA.get(fieldKey);
            if ("Sig".equals(kindAfter) || "DocTimeStamp".equals(kindAfter)) {
                boolean existed = kindBefore != null;
                if (existed || invisible(annot)) {
                    // the signature field itself is compared in compareFields
                    continue;
                }
                changes.add(Changes.Kind.ANNOTATION, "page " + page + ": a visible signature field was added");
            } else if (kindBefore != null && old != null) {
                String name = fieldName(annot);
                if (onlyFillKeysDiffer(old, e.getValue(), cmp)) changes.fill(name, "form field '" + name + "' filled in");
                else changes.add(Changes.Kind.OTHER, "form field '" + name + "' redefined");
            } else {
                changes.add(Changes.Kind.OTHER, "page " + page + ": a form field widget was added");
            }
        }
        for (Object k : before.keySet()) {
            if (!after.containsKey(k)) changes.add(Changes.Kind.ANNOTATION, "page " + page + ": an annotation was removed");
        }
    }

    private static boolean onlyFillKeysDiffer(COSBase a, COSBase b, CosComparison cmp) throws IOException {
        return cmp.equal(a, b, FILL_KEYS);
    }

    private static void compareFields(PDDocument a, PDDocument b, CosComparison cmp, Changes changes) throws IOException {
        Map<String, PDField> before = fields(a);
        Map<String, PDField> after = fields(b);
        PDAcroForm fa = a.getDocumentCatalog().getAcroForm(null);
        PDAcroForm fb = b.getDocumentCatalog().getAcroForm(null);
        if (fa != null && fb != null && !cmp.equal(fa.getCOSObject(), fb.getCOSObject(), ACROFORM_IGNORED)) {
            changes.add(Changes.Kind.FORM_FILL, "the form's default resources or appearance changed");
        }
        for (Map.Entry<String, PDField> e : after.entrySet()) {
            String name = e.getKey();
            PDField now = e.getValue();
            PDField then = before.get(name);
            boolean sig = now instanceof PDSignatureField;
            if (then == null) {
                if (sig) {
                    COSBase v = now.getCOSObject().getDictionaryObject(COSName.V);
                    if (v instanceof COSDictionary d && COSName.getPDFName("DocTimeStamp").equals(d.getCOSName(COSName.TYPE))) {
                        changes.add(Changes.Kind.DOCUMENT_TIMESTAMP, "document timestamp '" + name + "' added");
                    } else if (v instanceof COSDictionary) {
                        changes.add(Changes.Kind.SIGNATURE, "signature '" + name + "' added");
                    } else {
                        changes.add(Changes.Kind.OTHER, "empty signature field '" + name + "' added");
                    }
                } else {
                    changes.add(Changes.Kind.OTHER, "form field '" + name + "' added");
                }
                continue;
            }
            if (cmp.equal(then.getCOSObject(), now.getCOSObject(), Set.of(COSName.PARENT, COSName.KIDS, COSName.P))) continue;
            if (sig) {
                COSBase vThen = then.getCOSObject().getItem(COSName.V);
                if (vThen == null && cmp.equal(then.getCOSObject(), now.getCOSObject(), FILL_KEYS)) {
                    changes.add(Changes.Kind.SIGNATURE, "signature field '" + name + "' signed");
                } else {
                    changes.add(Changes.Kind.OTHER, "signature field '" + name + "' changed after it was signed");
                }
            } else if (cmp.equal(then.getCOSObject(), now.getCOSObject(), FILL_KEYS)) {
                changes.fill(name, "form field '" + name + "' filled in");
            } else {
                changes.add(Changes.Kind.OTHER, "form field '" + name + "' redefined");
            }
        }
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) changes.add(Changes.Kind.OTHER, "form field '" + name + "' removed");
        }
    }

    private static Map<String, PDField> fields(PDDocument d) {
        Map<String, PDField> out = new LinkedHashMap<>();
        PDAcroForm form = d.getDocumentCatalog().getAcroForm(null);
        if (form == null) return out;
        int n = 0;
        for (PDField f : form.getFieldTree()) {
            if (++n > 100_000) break;
            out.putIfAbsent(f.getFullyQualifiedName(), f);
        }
        return out;
    }

    /** Object key of each terminal field (and of its widgets) mapped to its field type. */
    private static Map<COSObjectKey, String> fieldKinds(PDDocument d) {
        Map<COSObjectKey, String> out = new HashMap<>();
        for (PDField f : fields(d).values()) {
            String ft = f.getFieldType();
            if (f instanceof PDSignatureField && f.getCOSObject().getDictionaryObject(COSName.V) instanceof COSDictionary v
                    && COSName.getPDFName("DocTimeStamp").equals(v.getCOSName(COSName.TYPE))) {
                ft = "DocTimeStamp";
            }
            if (f.getCOSObject().getKey() != null) out.put(f.getCOSObject().getKey(), ft == null ? "?" : ft);
        }
        return out;
    }

    private static Map<Object, COSBase> annotations(COSDictionary page) {
        Map<Object, COSBase> out = new LinkedHashMap<>();
        if (!(page.getDictionaryObject(ANNOTS) instanceof COSArray arr)) return out;
        for (int i = 0; i < arr.size() && i < 100_000; i++) {
            COSBase item = arr.get(i);
            COSObjectKey key = CosComparison.keyOf(item);
            out.put(key != null ? key : "direct#" + i, item);
        }
        return out;
    }

    /** A widget's field: itself when merged, else its /Parent. */
    private static COSObjectKey fieldKeyOf(COSDictionary widget) {
        if (widget.containsKey(COSName.FT) || widget.containsKey(COSName.T)) return widget.getKey();
        COSBase parent = widget.getItem(COSName.PARENT);
        return CosComparison.keyOf(parent);
    }

    private static String fieldName(COSDictionary widget) {
        String t = widget.getString(COSName.T);
        if (t == null && widget.getDictionaryObject(COSName.PARENT) instanceof COSDictionary p) t = p.getString(COSName.T);
        return t == null ? "?" : t;
    }

    private static String subtype(COSDictionary annot) {
        String s = annot.getNameAsString(COSName.SUBTYPE);
        return s == null ? "(no subtype)" : s;
    }

    /** Zero-area rectangle, or flagged Hidden or NoView: shows nothing. */
    static boolean invisible(COSDictionary annot) {
        int flags = annot.getInt(COSName.F, 0);
        if ((flags & 2) != 0 || (flags & 32) != 0) return true;
        if (!(annot.getDictionaryObject(COSName.RECT) instanceof COSArray r)) return true;
        PDRectangle rect = new PDRectangle(r);
        return rect.getWidth() == 0 || rect.getHeight() == 0;
    }

    static List<String> describe(Changes c) {
        return List.copyOf(c.details);
    }
}
