package dev.signet.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Second and third signatures, certification, other key types, encrypted input. */
class SeveralSignaturesTest {

    @TempDir
    static Path dir;
    static TestPki pki;
    static PdfSigner signer;

    @BeforeAll
    static void setUp() throws Exception {
        pki = TestPki.start(dir);
        signer = pki.pdfSigner(dir.resolve("work"));
    }

    @AfterAll
    static void tearDown() {
        pki.close();
    }

    private static List<String> pdfsigProblems(Path pdf, int expectedSignatures) throws Exception {
        String out = IndependentCheckers.pdfsig(pdf, pki.root, dir);
        List<String> problems = new ArrayList<>();
        int valid = out.split("Signature is Valid\\.", -1).length - 1;
        int trusted = out.split("Certificate is Trusted\\.", -1).length - 1;
        if (valid != expectedSignatures || trusted != expectedSignatures) {
            problems.add(valid + " valid, " + trusted + " trusted of " + expectedSignatures + ": " + out);
        }
        String qpdf = IndependentCheckers.qpdfErrors(pdf);
        if (!qpdf.isEmpty()) {
            problems.add("qpdf: " + qpdf);
        }
        return problems;
    }

    @Test
    void a_second_and_third_signature_leave_the_earlier_ones_valid() throws Exception {
        SigningIdentity alice = pki.identity("Alice", KeyAlgorithm.EC_P256);
        SigningIdentity bob = pki.identity("Bob", KeyAlgorithm.EC_P384);
        SigningIdentity carol = pki.identity("Carol", KeyAlgorithm.RSA_3072);
        Path one = dir.resolve("one.pdf");
        Path two = dir.resolve("two.pdf");
        Path three = dir.resolve("three.pdf");
        signer.sign(TestPdfs.onePage(dir.resolve("three-in.pdf")), one, alice, PdfSignOptions.at(PadesLevel.B_T));
        signer.sign(one, two, bob, PdfSignOptions.at(PadesLevel.B_B).withReason("Approved"));
        signer.sign(two, three, carol, PdfSignOptions.at(PadesLevel.B_LT).withLocation("Brussels"));
        assertEquals(List.of(), pdfsigProblems(three, 3));
        var dss = IndependentCheckers.dss(three, pki.root);
        assertEquals(3, dss.size(), dss.toString());
    }

    @Test
    void a_certification_signature_allowing_form_filling_accepts_a_later_approval_signature() throws Exception {
        SigningIdentity alice = pki.identity("Certifier", KeyAlgorithm.EC_P256);
        Path certified = dir.resolve("certified.pdf");
        Path approved = dir.resolve("approved.pdf");
        signer.sign(TestPdfs.onePage(dir.resolve("cert-in.pdf")), certified, alice, PdfSignOptions.at(PadesLevel.B_B).certifying(2));
        signer.sign(certified, approved, pki.identity("Approver", KeyAlgorithm.EC_P256), PdfSignOptions.at(PadesLevel.B_B));
        assertEquals(List.of(), pdfsigProblems(approved, 2));
        var dss = IndependentCheckers.dss(approved, pki.root);
        assertEquals("PAdES-BASELINE-B", dss.get(0).format(), dss.toString());
    }

    @Test
    void an_encrypted_pdf_is_signed_with_its_password() throws Exception {
        Path in = TestPdfs.encrypted(dir.resolve("enc-in.pdf"), "user-secret");
        Path out = dir.resolve("enc.pdf");
        signer.sign(in, out, pki.identity("Encrypted", KeyAlgorithm.EC_P256),
                PdfSignOptions.at(PadesLevel.B_LT).withPassword("user-secret"));
        String pdfsig = IndependentCheckers.run(List.of("pdfsig", "-upw", "user-secret", out.toString()));
        assertEquals(true, pdfsig.contains("Signature is Valid."), pdfsig);
        assertEquals("", IndependentCheckers.qpdfErrors(out, "--password=user-secret"));
    }
}
