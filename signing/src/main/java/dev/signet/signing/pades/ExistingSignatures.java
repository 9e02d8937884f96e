package dev.signet.signing.pades;

import dev.signet.signing.SigningException;
import dev.signet.signing.SigningException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;

/**
 * The signatures and document time-stamps a PDF already carries, read for extending it: their CMS
 * (for the certificates whose validation data B-LT needs) and whether a time-stamp already covers
 * them.
 */
public final class ExistingSignatures {

    private final List<byte[]> signatures;
    private final List<byte[]> documentTimestamps;
    private final boolean everySignatureStamped;
    private final String lastFieldName;

    private ExistingSignatures(List<byte[]> signatures, List<byte[]> documentTimestamps, boolean everySignatureStamped,
                               String lastFieldName) {
        this.signatures = signatures;
        this.documentTimestamps = documentTimestamps;
        this.everySignatureStamped = everySignatureStamped;
        this.lastFieldName = lastFieldName;
    }

    public static ExistingSignatures read(Path pdf, String password) {
        List<byte[]> sigs = new ArrayList<>();
        List<byte[]> stamps = new ArrayList<>();
        boolean allStamped = true;
        String last = null;
        try (PDDocument doc = PdfDocuments.open(pdf, password)) {
            for (PDSignature s : doc.getSignatureDictionaries()) {
                byte[] cms = firstObject(s.getContents());
                if ("ETSI.RFC3161".equals(s.getSubFilter())) {
                    stamps.add(cms);
                } else {
                    sigs.add(cms);
                    allStamped &= hasSignatureTimestamp(cms);
                }
                last = s.getName() != null ? s.getName() : last;
            }
            last = doc.getSignatureFields().isEmpty() ? null
                    : doc.getSignatureFields().get(doc.getSignatureFields().size() - 1).getFullyQualifiedName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ExistingSignatures(sigs, stamps, allStamped, last);
    }

    public boolean isEmpty() {
        return signatures.isEmpty() && documentTimestamps.isEmpty();
    }

    /** Whether every signature has a time (its own signature time-stamp, or a later document time-stamp). */
    public boolean timestamped() {
        return everySignatureStamped || !documentTimestamps.isEmpty();
    }

    public ExistingSignatures withDocumentTimestamp(byte[] token) {
        List<byte[]> stamps = new ArrayList<>(documentTimestamps);
        stamps.add(token);
        return new ExistingSignatures(signatures, stamps, everySignatureStamped, lastFieldName);
    }

    public String lastFieldName() {
        return lastFieldName;
    }

    /** Adds every certificate these signatures and time-stamps carry to the collector. */
    public void addTo(RevocationCollector collector) {
        for (byte[] cms : signatures) {
            collector.add(certificates(cms));
            collector.addSignatureTimestamps(cms);
        }
        for (byte[] token : documentTimestamps) {
            collector.addToken(token);
        }
    }

    private static List<X509Certificate> certificates(byte[] cms) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            for (X509CertificateHolder h : new CMSSignedData(cms).getCertificates().getMatches(null)) {
                out.add(conv.getCertificate(h));
            }
            return out;
        } catch (CMSException | CertificateException e) {
            throw new SigningException(Kind.DAMAGED_PDF, "a signature in the PDF is unreadable", e);
        }
    }

    private static boolean hasSignatureTimestamp(byte[] cms) {
        try {
            for (SignerInformation si : new CMSSignedData(cms).getSignerInfos().getSigners()) {
                if (si.getUnsignedAttributes() == null
                        || si.getUnsignedAttributes().get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken) == null) {
                    return false;
                }
            }
            return true;
        } catch (CMSException e) {
            throw new SigningException(Kind.DAMAGED_PDF, "a signature in the PDF is unreadable", e);
        }
    }

    /** /Contents is zero-padded after the DER object; keep the object only. */
    private static byte[] firstObject(byte[] contents) throws IOException {
        try (ASN1InputStream in = new ASN1InputStream(contents)) {
            ASN1Primitive p = in.readObject();
            if (p == null) {
                throw new SigningException(Kind.DAMAGED_PDF, "a signature in the PDF has empty /Contents");
            }
            return ContentInfo.getInstance(p).getEncoded("DER");
        }
    }
}
