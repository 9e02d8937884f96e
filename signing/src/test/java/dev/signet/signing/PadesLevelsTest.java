package dev.signet.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each PAdES level, signed through the HSM boundary and checked by DSS, pdfsig and qpdf; and the
 * CMS structure the baseline prescribes.
 */
class PadesLevelsTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static SigningIdentity p256;
    static PdfSigner signer;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.start(dir);
        p256 = pki.identity("Alice Signer", KeyAlgorithm.EC_P256);
        Path work = Files.createDirectories(dir.resolve("work"));
        signer = pki.pdfSigner(work);
    }

    @AfterAll
    static void tearDown() {
        pki.close();
    }

    private Path sign(String name, PadesLevel level, SigningIdentity id) throws Exception {
        Path in = TestPdfs.onePage(dir.resolve(name + "-in.pdf"));
        Path out = dir.resolve(name + "-" + level.id() + ".pdf");
        signer.sign(in, out, id, PdfSignOptions.at(level));
        return out;
    }

    private static void assertIndependentlyValid(Path pdf, PadesLevel level) throws Exception {
        List<String> failures = new ArrayList<>();
        var results = IndependentCheckers.dss(pdf, pki.root);
        if (results.isEmpty()) {
            failures.add("DSS found no signature");
        }
        var first = results.get(0);
        if (!first.format().equals("PAdES-BASELINE-" + level.id().substring(2))) {
            failures.add("DSS format " + first.format() + " for " + level);
        }
        if (level.atLeast(PadesLevel.B_LT) && !first.passed()) {
            failures.add("DSS " + first.indication() + " " + first.subIndication() + " " + first.errors());
        }
        String pdfsig = IndependentCheckers.pdfsig(pdf, pki.root, dir);
        if (!pdfsig.contains("Signature is Valid.") || !pdfsig.contains("Certificate is Trusted.")) {
            failures.add("pdfsig: " + pdfsig);
        }
        // The last signature covers the whole file; at B-LT the DSS update follows it, as it must.
        String last = pdfsig.substring(pdfsig.lastIndexOf("Signature #"));
        if (level != PadesLevel.B_LT && !last.contains("Total document signed")) {
            failures.add("pdfsig does not say the last signature covers the whole file: " + pdfsig);
        }
        String qpdf = IndependentCheckers.qpdfErrors(pdf);
        if (!qpdf.isEmpty()) {
            failures.add("qpdf: " + qpdf);
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void b_b_is_a_cades_detached_signature_dss_pdfsig_and_qpdf_accept() throws Exception {
        assertIndependentlyValid(sign("bb", PadesLevel.B_B, p256), PadesLevel.B_B);
    }

    @Test
    void b_t_carries_a_signature_time_stamp() throws Exception {
        assertIndependentlyValid(sign("bt", PadesLevel.B_T, p256), PadesLevel.B_T);
    }

    @Test
    void b_lt_passes_dss_offline_with_the_root_as_only_anchor() throws Exception {
        assertIndependentlyValid(sign("blt", PadesLevel.B_LT, p256), PadesLevel.B_LT);
    }

    @Test
    void b_lta_adds_a_document_time_stamp_over_the_dss() throws Exception {
        Path pdf = sign("blta", PadesLevel.B_LTA, p256);
        assertIndependentlyValid(pdf, PadesLevel.B_LTA);
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            List<PDSignature> sigs = doc.getSignatureDictionaries();
            assertEquals(2, sigs.size());
            assertEquals("ETSI.RFC3161", sigs.get(1).getSubFilter());
            assertTrue(doc.getDocumentCatalog().getCOSObject().containsKey(org.apache.pdfbox.cos.COSName.DSS));
        }
    }

    @Test
    void the_cms_has_one_signer_info_with_exactly_the_three_baseline_signed_attributes() throws Exception {
        Path pdf = sign("cms", PadesLevel.B_T, p256);
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            PDSignature sig = doc.getLastSignatureDictionary();
            assertEquals("ETSI.CAdES.detached", sig.getSubFilter());
            assertTrue(sig.getSignDate() != null, "/M is set");
            CMSSignedData cms = new CMSSignedData(org.bouncycastle.asn1.cms.ContentInfo.getInstance(
                    new org.bouncycastle.asn1.ASN1InputStream(sig.getContents()).readObject()));
            assertEquals(1, cms.getSignerInfos().size());
            SignerInformation si = cms.getSignerInfos().getSigners().iterator().next();
            Set<ASN1ObjectIdentifier> signed = new HashSet<>();
            for (var a : si.getSignedAttributes().toASN1Structure().getAttributes()) {
                signed.add(Attribute.getInstance(a).getAttrType());
            }
            assertEquals(Set.of(CMSAttributes.contentType, CMSAttributes.messageDigest,
                    PKCSObjectIdentifiers.id_aa_signingCertificateV2), signed);
            assertTrue(si.getUnsignedAttributes().get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken) != null);
            // /Contents is sized to the signature: at most a few hundred bytes of zero padding beyond it
            int reserved = ((org.apache.pdfbox.cos.COSString) sig.getCOSObject().getDictionaryObject(
                    org.apache.pdfbox.cos.COSName.CONTENTS)).getBytes().length;
            int used = cms.getEncoded("DER").length;
            assertTrue(reserved >= used && reserved - used < 1200, "reserved " + reserved + " for " + used);
        }
    }
}
