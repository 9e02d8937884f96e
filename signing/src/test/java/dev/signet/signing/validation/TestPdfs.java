package dev.signet.signing.validation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDTextField;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CRLHolder;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;

/**
 * Builds the test corpus with PDFBox and Bouncy Castle: documents, CAdES or PKCS#7 signatures
 * (optionally timestamped, certifying with DocMDP), DSS dictionaries and document timestamps, and
 * incremental updates of every kind.
 */
final class TestPdfs {
    private static final AtomicLong TSA_SERIAL = new AtomicLong(1);

    private TestPdfs() {}

    /** Options of one signature. Times default to now. */
    static final class Sig {
        TestPki.Issued signer;
        List<X509Certificate> chain = new ArrayList<>();
        String subFilter = "ETSI.CAdES.detached";
        Instant signingTime = Instant.now();
        TestPki.Issued tsa; // a signature timestamp when set
        Instant timestampTime = Instant.now();
        Integer docMdp;
        String fieldName;
        boolean signingCertificateV2 = true;

        Sig(TestPki.Issued signer, X509Certificate... chain) {
            this.signer = signer;
            this.chain.add(signer.certificate());
            this.chain.addAll(List.of(chain));
        }
    }

    /** A one-page document with some text, and optionally a text field named "amount". */
    static byte[] document(String text, boolean withField) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                cs.beginText();
                cs.setFont(font, 14);
                cs.newLineAtOffset(72, 720);
                cs.showText(text);
                cs.endText();
            }
            if (withField) {
                PDAcroForm form = new PDAcroForm(doc);
                doc.getDocumentCatalog().setAcroForm(form);
                PDResources dr = new PDResources();
                dr.put(COSName.getPDFName("Helv"), font);
                form.setDefaultResources(dr);
                form.setDefaultAppearance("/Helv 12 Tf 0 g");
                PDTextField field = new PDTextField(form);
                field.setPartialName("amount");
                PDAnnotationWidget w = field.getWidgets().get(0);
                w.setRectangle(new PDRectangle(72, 600, 200, 20));
                w.setPage(page);
                page.getAnnotations().add(w);
                form.getFields().add(field);
                field.setValue("100 EUR");
            }
            return save(doc);
        }
    }

    /** A document of about {@code bytes} bytes (an incompressible image-like stream on page 1). */
    static byte[] largeDocument(int bytes) throws IOException {
        try (PDDocument doc = Loader.loadPDF(document("a large document", false))) {
            COSStream blob = doc.getDocument().createCOSStream();
            byte[] noise = new byte[bytes];
            new java.util.Random(42).nextBytes(noise);
            try (OutputStream o = blob.createRawOutputStream()) {
                o.write(noise);
            }
            doc.getPage(0).getCOSObject().setItem(COSName.getPDFName("PieceInfo"), blob);
            return save(doc);
        }
    }

    static byte[] sign(byte[] pdf, Sig o) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(COSName.getPDFName(o.subFilter));
            sig.setName(o.signer.certificate().getSubjectX500Principal().getName());
            Calendar cal = Calendar.getInstance();
            cal.setTime(Date.from(o.signingTime));
            sig.setSignDate(cal);
            if (o.docMdp != null) certify(doc, sig, o.docMdp);
            SignatureOptions opts = new SignatureOptions();
            opts.setPreferredSignatureSize(24_000);
            doc.addSignature(sig, content -> cms(content.readAllBytes(), o), opts);
            if (o.fieldName != null) {
                doc.getDocumentCatalog().getAcroForm().getFields().stream()
                        .filter(f -> f.getCOSObject().getDictionaryObject(COSName.V) == sig.getCOSObject())
                        .forEach(f -> f.setPartialName(o.fieldName));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.saveIncremental(out);
            opts.close();
            return out.toByteArray();
        }
    }

    /** DocMDP certification with permission P (ISO 32000-1 12.8.2.2), as PDFBox's own examples set it up. */
    private static void certify(PDDocument doc, PDSignature sig, int p) {
        COSDictionary params = new COSDictionary();
        params.setItem(COSName.TYPE, COSName.getPDFName("TransformParams"));
        params.setInt(COSName.P, p);
        params.setName(COSName.V, "1.2");
        COSDictionary ref = new COSDictionary();
        ref.setItem(COSName.TYPE, COSName.getPDFName("SigRef"));
        ref.setItem(COSName.getPDFName("TransformMethod"), COSName.getPDFName("DocMDP"));
        ref.setItem(COSName.getPDFName("DigestMethod"), COSName.getPDFName("SHA256"));
        ref.setItem(COSName.getPDFName("TransformParams"), params);
        COSArray refs = new COSArray();
        refs.add(ref);
        sig.getCOSObject().setItem(COSName.getPDFName("Reference"), refs);
        COSDictionary perms = new COSDictionary();
        perms.setItem(COSName.getPDFName("DocMDP"), sig);
        COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
        catalog.setItem(COSName.PERMS, perms);
        catalog.setNeedToBeUpdated(true);
    }

    static byte[] cms(byte[] content, Sig o) throws IOException {
        try {
            X509Certificate cert = o.signer.certificate();
            String alg = cert.getPublicKey().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] certHash = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            ESSCertIDv2 id = new ESSCertIDv2(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256), certHash,
                    new IssuerSerial(new GeneralNames(new GeneralName(org.bouncycastle.asn1.x500.X500Name.getInstance(
                            cert.getIssuerX500Principal().getEncoded()))), cert.getSerialNumber()));
            Instant signingTime = o.signingTime;
            boolean v2 = o.signingCertificateV2;
            boolean pkcs7 = o.subFilter.equals("adbe.pkcs7.detached");
            CMSAttributeTableGenerator attrs = params -> {
                ASN1EncodableVector v = new ASN1EncodableVector();
                v.add(new Attribute(CMSAttributes.contentType, new DERSet((ASN1ObjectIdentifier) params.get(CMSAttributeTableGenerator.CONTENT_TYPE))));
                v.add(new Attribute(CMSAttributes.messageDigest, new DERSet(new DEROctetString((byte[]) params.get(CMSAttributeTableGenerator.DIGEST)))));
                if (v2) v.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2, new DERSet(new SigningCertificateV2(new ESSCertIDv2[] {id}))));
                if (pkcs7) v.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
                return new AttributeTable(v);
            };
            SignerInfoGenerator sig = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .setSignedAttributeGenerator(attrs)
                    .build(new JcaContentSignerBuilder(alg).build(o.signer.key()), cert);
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(sig);
            gen.addCertificates(new JcaCertStore(o.chain));
            CMSSignedData sd = gen.generate(new CMSProcessableByteArray(content), false);
            if (o.tsa != null) {
                SignerInformation si = sd.getSignerInfos().getSigners().iterator().next();
                TimeStampToken t = timestamp(o.tsa, MessageDigest.getInstance("SHA-256").digest(si.getSignature()), o.timestampTime);
                AttributeTable unsigned = new AttributeTable(new Attribute(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken,
                        new DERSet(t.toCMSSignedData().toASN1Structure())));
                si = SignerInformation.replaceUnsignedAttributes(si, unsigned);
                sd = CMSSignedData.replaceSigners(sd, new SignerInformationStore(si));
            }
            return sd.getEncoded("DER");
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    static TimeStampToken timestamp(TestPki.Issued tsa, byte[] sha256Imprint, Instant genTime) throws Exception {
        TimeStampRequestGenerator rg = new TimeStampRequestGenerator();
        rg.setCertReq(true);
        TimeStampRequest req = rg.generate(TSPAlgorithms.SHA256, sha256Imprint);
        TimeStampTokenGenerator g = new TimeStampTokenGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", tsa.key(), tsa.certificate()),
                new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"));
        g.addCertificates(new JcaCertStore(List.of(tsa.certificate())));
        return g.generate(req, BigInteger.valueOf(TSA_SERIAL.incrementAndGet()), Date.from(genTime));
    }

    /** An incremental update adding a DSS dictionary with these certificates and CRLs. */
    static byte[] addDss(byte[] pdf, List<X509Certificate> certs, List<X509CRL> crls) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
            COSDictionary dss = new COSDictionary();
            COSArray certArray = new COSArray();
            COSArray crlArray = new COSArray();
            try {
                for (X509Certificate c : certs) certArray.add(stream(doc, c.getEncoded()));
                for (X509CRL c : crls) crlArray.add(stream(doc, new JcaX509CRLHolder(c).getEncoded()));
            } catch (Exception e) {
                throw new IOException(e);
            }
            dss.setItem(COSName.getPDFName("Certs"), certArray);
            dss.setItem(COSName.getPDFName("CRLs"), crlArray);
            catalog.setItem(COSName.getPDFName("DSS"), dss);
            catalog.setNeedToBeUpdated(true);
            dss.setNeedToBeUpdated(true);
            certArray.setNeedToBeUpdated(true);
            crlArray.setNeedToBeUpdated(true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.saveIncremental(out);
            return out.toByteArray();
        }
    }

    static COSStream stream(PDDocument doc, byte[] data) throws IOException {
        COSStream s = doc.getDocument().createCOSStream();
        try (OutputStream o = s.createOutputStream(COSName.FLATE_DECODE)) {
            o.write(data);
        }
        s.setNeedToBeUpdated(true);
        return s;
    }

    /** An incremental update adding a document timestamp (ETSI.RFC3161). */
    static byte[] addDocumentTimestamp(byte[] pdf, TestPki.Issued tsa, Instant genTime) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature sig = new PDSignature();
            sig.setType(COSName.DOC_TIME_STAMP);
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(COSName.getPDFName("ETSI.RFC3161"));
            SignatureOptions opts = new SignatureOptions();
            opts.setPreferredSignatureSize(12_000);
            doc.addSignature(sig, content -> {
                try {
                    return timestamp(tsa, MessageDigest.getInstance("SHA-256").digest(content.readAllBytes()), genTime).getEncoded();
                } catch (IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }, opts);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.saveIncremental(out);
            opts.close();
            return out.toByteArray();
        }
    }

    /** An incremental update that replaces page 1's content with a new text. */
    static byte[] changePageContent(byte[] pdf, String newText) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDPage page = doc.getPage(0);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.OVERWRITE, false)) {
                cs.beginText();
                cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 14);
                cs.newLineAtOffset(72, 720);
                cs.showText(newText);
                cs.endText();
            }
            page.getCOSObject().setNeedToBeUpdated(true);
            return saveIncremental(doc);
        }
    }

    /** An incremental update that sets the "amount" field's value (form filling). */
    static byte[] fillField(byte[] pdf, String value) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDAcroForm form = doc.getDocumentCatalog().getAcroForm();
            PDTextField f = (PDTextField) form.getField("amount");
            f.setValue(value);
            f.getCOSObject().setNeedToBeUpdated(true);
            for (PDAnnotationWidget w : f.getWidgets()) {
                w.getCOSObject().setNeedToBeUpdated(true);
                if (w.getAppearance() != null) {
                    w.getAppearance().getCOSObject().setNeedToBeUpdated(true);
                    if (w.getAppearance().getNormalAppearance() != null) w.getAppearance().getNormalAppearance().getCOSObject().setNeedToBeUpdated(true);
                }
            }
            return saveIncremental(doc);
        }
    }

    static byte[] saveIncremental(PDDocument doc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.saveIncremental(out);
        return out.toByteArray();
    }

    static byte[] save(PDDocument doc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
    }

    static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
