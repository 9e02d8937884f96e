package dev.signet.signing.pades;

import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.signing.PdfSignOptions;
import dev.signet.signing.SigningException;
import dev.signet.signing.SigningException.Kind;
import dev.signet.signing.SigningIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.GregorianCalendar;
import javax.security.auth.x500.X500Principal;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.ExternalSigningSupport;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Adds one PAdES signature (B-B, or B-T with its signature time-stamp) to a PDF as an incremental
 * update, by PDFBox's external signing: PDFBox reserves /Contents and gives the byte ranges, the
 * document is digested here, and only that digest's signed attributes go to the HSM.
 */
public final class SignatureStep {

    private SignatureStep() {
    }

    /** The new signature field's name and the CMS placed in its /Contents. */
    public record Result(String fieldName, byte[] cms) {
    }

    public static Result sign(Path in, Path out, SigningIdentity identity, PdfSignOptions options, Timestamps timestamps,
                              Instant now) {
        SignatureAlgorithm algorithm = identity.signer().defaultAlgorithm();
        try (PDDocument doc = PdfDocuments.open(in, options.password());
             SignatureOptions sigOptions = new SignatureOptions()) {
            checkPermitted(doc, options);
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(PDSignature.SUBFILTER_ETSI_CADES_DETACHED);
            sig.setSignDate(GregorianCalendar.from(now.atZone(ZoneOffset.UTC)));
            sig.setName(commonName(identity.certificate()));
            if (options.reason() != null) {
                sig.setReason(options.reason());
            }
            if (options.location() != null) {
                sig.setLocation(options.location());
            }
            if (options.certification() > 0) {
                certify(doc, sig, options.certification());
            }
            int reserved = ContentsSize.forSignature(identity, algorithm, timestamps);
            sigOptions.setPreferredSignatureSize(reserved);
            if (options.visible() != null) {
                byte[] template = SignatureAppearance.template(doc, options.visible(), SignatureAppearance.lines(
                        sig.getName(), java.time.format.DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(
                                java.time.temporal.ChronoUnit.SECONDS)), options.reason(), options.location()));
                sigOptions.setVisualSignature(SignatureAppearance.stream(template));
                sigOptions.setPage(options.visible().page() - 1);
            }
            doc.addSignature(sig, sigOptions);
            byte[] cms;
            try (OutputStream o = Files.newOutputStream(out)) {
                ExternalSigningSupport external = doc.saveIncrementalForExternalSigning(o);
                byte[] digest = digest(CadesSignature.documentDigest(algorithm), external.getContent());
                cms = CadesSignature.sign(identity, algorithm, digest, timestamps);
                if (cms.length > reserved) {
                    // Cannot happen with the sizes above; if it does, fail rather than write a broken file.
                    throw new IllegalStateException("signature of " + cms.length + " bytes exceeds the " + reserved
                            + " reserved");
                }
                external.setSignature(cms);
            }
            return new Result(fieldName(doc, sig), cms);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkPermitted(PDDocument doc, PdfSignOptions options) throws IOException {
        int p = PdfDocuments.docMdpPermission(doc);
        if (p == 1) {
            throw new SigningException(Kind.NOT_PERMITTED,
                    "the PDF's certification signature allows no changes (DocMDP P=1), not even another signature");
        }
        if (options.certification() > 0 && !doc.getSignatureDictionaries().isEmpty()) {
            throw new SigningException(Kind.NOT_PERMITTED,
                    "a certification signature must be the document's first signature; this PDF is already signed");
        }
    }

    /** A certification signature (ISO 32000-1 12.8.2.2): DocMDP transform with permission P. */
    private static void certify(PDDocument doc, PDSignature sig, int permission) {
        COSDictionary params = new COSDictionary();
        params.setItem(COSName.TYPE, COSName.getPDFName("TransformParams"));
        params.setInt(COSName.P, permission);
        params.setName(COSName.V, "1.2");
        COSDictionary reference = new COSDictionary();
        reference.setItem(COSName.TYPE, COSName.getPDFName("SigRef"));
        reference.setItem(COSName.TRANSFORM_METHOD, COSName.DOCMDP);
        reference.setItem(COSName.TRANSFORM_PARAMS, params);
        COSArray refs = new COSArray();
        refs.add(reference);
        sig.getCOSObject().setItem(COSName.getPDFName("Reference"), refs);
        COSDictionary perms = new COSDictionary();
        perms.setItem(COSName.DOCMDP, sig.getCOSObject());
        COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
        catalog.setItem(COSName.PERMS, perms);
        catalog.setNeedToBeUpdated(true);
    }

    private static String fieldName(PDDocument doc, PDSignature sig) throws IOException {
        return doc.getSignatureFields().stream()
                .filter(f -> f.getSignature() != null && f.getSignature().getCOSObject() == sig.getCOSObject())
                .map(f -> f.getFullyQualifiedName()).findFirst().orElse("Signature");
    }

    static byte[] digest(String algorithm, InputStream content) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        try (content) {
            for (int n; (n = content.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    private static String commonName(X509Certificate cert) {
        X500Name name = new X500Name(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
        var cn = name.getRDNs(BCStyle.CN);
        return cn.length > 0 ? IETFUtils.valueToString(cn[0].getFirst().getValue())
                : cert.getSubjectX500Principal().getName();
    }

    static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
