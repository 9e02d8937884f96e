package dev.signet.signing.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.signing.PdfSignatureValidator;
import dev.signet.signing.SignatureReport;
import dev.signet.signing.ValidationPolicy;
import dev.signet.signing.ValidationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signet's indication and level agree with EU DSS 6.4 (offline, same trust anchor, DSS's default
 * policy) on every file of the corpus, except the differences listed in {@link #KNOWN_DIFFERENCES}
 * (and in README's "Validation: where Signet and DSS differ").
 */
class CorpusAgreementTest {
    /** case name -> why Signet's verdict differs from DSS's there. */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of(
            "truncated-cms",
            "DSS skips a signature whose CMS does not parse (it reports no signature at all); Signet reports it,"
                    + " TOTAL_FAILED/FORMAT_FAILURE",
            "docmdp-p1-then-page-content-changed",
            "DSS's default policy only warns about changes a DocMDP P=1 certification forbids (DocMDP Level=WARN);"
                    + " Signet fails the signature (TOTAL_FAILED/FORMAT_FAILURE, DSS's own sub-indication for that check)");

    static Corpus corpus;

    @BeforeAll
    static void build() throws Exception {
        // kept after the run (target/validation-corpus) so that a disagreement can be looked at
        Path dir = Files.createDirectories(Path.of("target/validation-corpus"));
        corpus = new Corpus(dir).build().withDssSigned().withPopplerSigned().withSignetSigned();
    }

    @Test
    void signet_agrees_with_dss_on_indication_and_level_for_every_file_of_the_corpus() {
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        try (PdfSignatureValidator signet = new PdfSignatureValidator(ValidationPolicy.defaults())) {
            for (Corpus.Case c : corpus.cases) {
                ValidationReport ours = signet.validate(c.file(), c.anchors());
                List<DssOracle.Verdict> theirs = DssOracle.validate(c.file(), c.anchors(), null);
                for (DssOracle.Verdict d : theirs) {
                    SignatureReport s = ours.signatures().stream().filter(r -> r.fieldName().equals(d.field())).findFirst().orElse(null);
                    String mine = s == null ? "(missing)" : s.kind() + " " + s.indication() + (s.subIndication() == null ? "" : "/" + s.subIndication())
                            + (s.level() == null ? "" : " " + s.level());
                    table.append(String.format("%-40s %-10s DSS: %-60s Signet: %s%n", c.name(), d.field(), d.brief(), mine));
                    if (System.getProperty("signet.corpus.verbose") != null) {
                        table.append("    DSS: ").append(d.messages()).append("\n    Signet: ").append(s == null ? "" : s.reasons()).append('\n');
                    }
                    boolean agree = s != null && s.indication().name().equals(total(d.indication()))
                            && java.util.Objects.equals(s.level(), d.level());
                    if (!agree && !KNOWN_DIFFERENCES.containsKey(c.name())) {
                        failures.add(c.name() + " " + d.field() + ": DSS " + d.brief() + ", Signet " + mine
                                + (s == null ? "" : " " + s.reasons()) + "\n   DSS says: " + d.messages());
                    }
                }
                if (theirs.size() != ours.signatures().size() && !KNOWN_DIFFERENCES.containsKey(c.name())) {
                    failures.add(c.name() + ": DSS sees " + theirs.size() + " signatures/timestamps, Signet " + ours.signatures().size());
                }
            }
        }
        System.out.println(table);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void the_ocsp_only_files_carry_signets_ocsp_responses_and_no_crl_and_signet_decides_on_them() throws Exception {
        int seen = 0;
        try (PdfSignatureValidator signet = new PdfSignatureValidator(ValidationPolicy.defaults())) {
            for (Corpus.Case c : corpus.cases) {
                if (!c.name().startsWith("signet-ocsp-only-")) continue;
                seen++;
                try (var doc = org.apache.pdfbox.Loader.loadPDF(c.file().toFile())) {
                    var dss = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(org.apache.pdfbox.cos.COSName.getPDFName("DSS"));
                    var ocsps = dss.getCOSArray(org.apache.pdfbox.cos.COSName.getPDFName("OCSPs"));
                    assertTrue(ocsps != null && ocsps.size() > 0, c.name() + ": no OCSP response in the DSS dictionary");
                    var crls = dss.getCOSArray(org.apache.pdfbox.cos.COSName.getPDFName("CRLs"));
                    assertTrue(crls == null || crls.size() == 0, c.name() + ": the DSS dictionary has CRLs");
                }
                SignatureReport s = signet.validate(c.file(), c.anchors()).signatures().stream()
                        .filter(r -> r.kind().equals("signature")).findFirst().orElseThrow();
                SignatureReport.RevocationCheck signer = s.revocation().get(0);
                assertEquals("file-dss", signer.origin(), c.name() + " " + s.revocation());
                assertEquals("OCSP", signer.kind(), c.name() + " " + s.revocation());
                assertEquals(c.name().contains("revoked") ? "revoked" : "good", signer.status(), c.name() + " " + s.revocation());
            }
        }
        assertEquals(4, seen);
    }

    @Test
    void a_tsa_certificate_revoked_before_a_timestamp_or_after_it_without_a_later_proof_takes_the_timestamp_away() {
        try (PdfSignatureValidator signet = new PdfSignatureValidator(ValidationPolicy.defaults())) {
            // signature timestamps: the signer's chain first, then the TSA's, each with where its status came from
            SignatureReport before = signature(signet, "tsa-revoked-before-signature-timestamp-B-LT");
            assertEquals(List.of("signer", "tsa"), before.revocation().stream().map(SignatureReport.RevocationCheck::role).toList(),
                    before.revocation().toString());
            SignatureReport.RevocationCheck tsa = before.revocation().get(1);
            assertEquals("revoked", tsa.status());
            assertEquals("file-dss", tsa.origin());
            assertEquals("CRL", tsa.kind());
            assertTrue(tsa.certificate().contains("Corpus TSA Revoked Before"), tsa.certificate());
            assertTrue(before.reasons().stream().anyMatch(r -> r.contains("signature timestamp not accepted: REVOKED_NO_POE")), before.reasons().toString());
            assertTrue(before.timeline().stream().noneMatch(t -> t.event().startsWith("best-signature-time")), before.timeline().toString());
            // revoked after its genTime: nothing proves the token existed before the revocation
            SignatureReport after = signature(signet, "tsa-revoked-after-signature-timestamp-B-LT");
            assertTrue(after.reasons().stream().anyMatch(r -> r.contains("signature timestamp not accepted: REVOKED_NO_POE")), after.reasons().toString());
            // ... until a document timestamp from before the revocation does
            SignatureReport proved = signature(signet, "tsa-revoked-after-signature-timestamp-then-earlier-LTA");
            assertTrue(proved.timeline().stream().anyMatch(t -> t.event().startsWith("best-signature-time")), proved.timeline().toString());
            assertTrue(proved.reasons().stream().noneMatch(r -> r.contains("not accepted")), proved.reasons().toString());
            SignatureReport tooLate = signature(signet, "tsa-revoked-after-signature-timestamp-then-later-LTA");
            assertTrue(tooLate.reasons().stream().anyMatch(r -> r.contains("signature timestamp not accepted: REVOKED_NO_POE")), tooLate.reasons().toString());

            // document timestamps: their own TSA chain
            SignatureReport doc = documentTimestamp(signet, "document-timestamp-by-tsa-revoked-before");
            assertEquals("INDETERMINATE", doc.indication().name());
            assertEquals("REVOKED_NO_POE", doc.subIndication().name());
            assertEquals("tsa", doc.revocation().get(0).role());
            assertEquals("revoked", doc.revocation().get(0).status());
            assertEquals("file-dss", doc.revocation().get(0).origin());
            assertEquals("REVOKED_NO_POE", documentTimestamp(signet, "document-timestamp-by-tsa-revoked-after").subIndication().name());
            SignatureReport rescued = signet.validate(caseFile("document-timestamp-by-tsa-revoked-after-then-earlier-timestamp"), List.of(corpus.root))
                    .signatures().stream().filter(r -> r.kind().equals("timestamp")).findFirst().orElseThrow();
            assertEquals("TOTAL_PASSED", rescued.indication().name(), rescued.reasons().toString());
            // a good TSA: checked, and said so
            SignatureReport good = documentTimestamp(signet, "bouncycastle-B-LTA");
            assertEquals("good", good.revocation().get(0).status(), good.revocation().toString());
        }
    }

    private static Path caseFile(String name) {
        return corpus.cases.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().file();
    }

    private static SignatureReport signature(PdfSignatureValidator v, String name) {
        return v.validate(caseFile(name), List.of(corpus.root)).signatures().stream().filter(r -> r.kind().equals("signature"))
                .findFirst().orElseThrow();
    }

    /** The last document timestamp of the file. */
    private static SignatureReport documentTimestamp(PdfSignatureValidator v, String name) {
        List<SignatureReport> ts = v.validate(caseFile(name), List.of(corpus.root)).signatures().stream()
                .filter(r -> r.kind().equals("timestamp")).toList();
        return ts.get(ts.size() - 1);
    }

    /** DSS gives timestamps the basic indications PASSED / FAILED. */
    static String total(String dssIndication) {
        return switch (dssIndication) {
            case "PASSED" -> "TOTAL_PASSED";
            case "FAILED" -> "TOTAL_FAILED";
            default -> dssIndication;
        };
    }

    @Test
    void the_listed_differences_are_still_differences() {
        // a listed difference that no longer differs should leave the list (and the README)
        try (PdfSignatureValidator signet = new PdfSignatureValidator(ValidationPolicy.defaults())) {
            for (Corpus.Case c : corpus.cases) {
                if (!KNOWN_DIFFERENCES.containsKey(c.name())) continue;
                ValidationReport ours = signet.validate(c.file(), c.anchors());
                List<DssOracle.Verdict> theirs = DssOracle.validate(c.file(), c.anchors(), null);
                boolean differs = theirs.size() != ours.signatures().size();
                for (DssOracle.Verdict d : theirs) {
                    SignatureReport s = ours.signatures().stream().filter(r -> r.fieldName().equals(d.field())).findFirst().orElseThrow();
                    differs |= !s.indication().name().equals(total(d.indication()));
                }
                assertEquals(true, differs, c.name() + " agrees with DSS now: take it off the list");
            }
        }
    }
}
