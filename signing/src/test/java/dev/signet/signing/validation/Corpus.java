package dev.signet.signing.validation;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agreement corpus of issue 13, built in the test: PDFBox + Bouncy Castle signatures at every
 * level, the revoked / expired / wrong-anchor / tampered cases. DSS-signed and poppler-signed files
 * are added by {@link DssSigned} and {@link PopplerSigned}.
 */
final class Corpus {
    /** One file to validate, against {@code anchors}. */
    record Case(String name, Path file, List<X509Certificate> anchors) {}

    final TestPki pki = new TestPki("Corpus");
    final TestPki otherPki = new TestPki("Other");
    final TestPki.Issued tsa = pki.tsa();
    final X509Certificate root = pki.root.certificate();
    final List<Case> cases = new ArrayList<>();
    private final Path dir;

    Corpus(Path dir) {
        this.dir = dir;
    }

    static Instant ago(long minutes) {
        return Instant.now().minus(Duration.ofMinutes(minutes));
    }

    TestPdfs.Sig sig(TestPki.Issued signer) {
        return new TestPdfs.Sig(signer, root);
    }

    byte[] bb(TestPki.Issued signer) throws IOException {
        return TestPdfs.sign(TestPdfs.document("Pay 100 EUR to Alice", false), sig(signer));
    }

    byte[] bt(TestPki.Issued signer, Instant signedAt) throws IOException {
        TestPdfs.Sig s = sig(signer);
        s.tsa = tsa;
        s.signingTime = signedAt;
        s.timestampTime = signedAt;
        return TestPdfs.sign(TestPdfs.document("Pay 100 EUR to Alice", false), s);
    }

    byte[] lt(byte[] signed, TestPki.Issued signer, X509CRL crl) throws IOException {
        return TestPdfs.addDss(signed, List.of(signer.certificate(), root, tsa.certificate()), List.of(crl));
    }

    Case add(String name, byte[] pdf) throws IOException {
        return add(name, pdf, List.of(root));
    }

    Case add(String name, byte[] pdf, List<X509Certificate> anchors) throws IOException {
        Path f = dir.resolve(name + ".pdf");
        Files.write(f, pdf);
        Case c = new Case(name, f, anchors);
        cases.add(c);
        return c;
    }

    Corpus build() throws IOException {
        TestPki.Issued alice = pki.signer("Alice");
        byte[] bb = bb(alice);
        add("bouncycastle-B-B", bb);
        byte[] bt = bt(alice, ago(10));
        add("bouncycastle-B-T", bt);
        byte[] lt = lt(bt, alice, pki.crl(ago(5)));
        add("bouncycastle-B-LT", lt);
        byte[] lta = TestPdfs.addDocumentTimestamp(lt, tsa, ago(1));
        add("bouncycastle-B-LTA", lta);
        TestPdfs.Sig pkcs7 = sig(pki.rsaSigner("Bob"));
        pkcs7.subFilter = "adbe.pkcs7.detached";
        add("bouncycastle-pkcs7-rsa", TestPdfs.sign(TestPdfs.document("Pay 100 EUR to Bob", false), pkcs7));

        // revoked before signing: revoked 2 h ago, signed and timestamped 1 h ago, CRL of 30 min ago in the DSS
        TestPki.Issued carol = pki.signer("Carol", ago(60 * 24 * 10), Instant.now().plus(Duration.ofDays(300)));
        X509CRL carolCrl = pki.crl(ago(30), Map.of(carol.certificate().getSerialNumber(), ago(120)));
        add("revoked-before-signing", TestPdfs.addDocumentTimestamp(lt(bt(carol, ago(60)), carol, carolCrl), tsa, ago(20)));

        // revoked after signing: signed and timestamped 3 h ago, revoked 2 h ago, CRL of 1 h ago, document timestamp 30 min ago
        TestPki.Issued dave = pki.signer("Dave", ago(60 * 24 * 10), Instant.now().plus(Duration.ofDays(300)));
        X509CRL daveCrl = pki.crl(ago(60), Map.of(dave.certificate().getSerialNumber(), ago(120)));
        add("revoked-after-signing", TestPdfs.addDocumentTimestamp(lt(bt(dave, ago(180)), dave, daveCrl), tsa, ago(30)));

        // expired signer: valid until 1 h ago; signed 5 h ago; with LTA (CRL 4 h ago, archive timestamp 3 h ago) and without (B-B)
        TestPki.Issued erin = pki.signer("Erin", ago(60 * 24 * 10), ago(60));
        byte[] erinLt = lt(bt(erin, ago(300)), erin, pki.crl(ago(240)));
        add("expired-signer-with-LTA", TestPdfs.addDocumentTimestamp(erinLt, tsa, ago(180)));
        TestPdfs.Sig erinBb = sig(erin);
        erinBb.signingTime = ago(300);
        add("expired-signer-B-B", TestPdfs.sign(TestPdfs.document("Pay 100 EUR to Erin", false), erinBb));

        add("wrong-trust-anchor", lta, List.of(otherPki.root.certificate()));

        addRevokedTsaCases();

        byte[] flipped = bb.clone();
        int at = indexOf(flipped, "/Type /Page".getBytes()) + 2; // a name inside the signed page dictionary
        flipped[at] ^= 0x01;
        add("flipped-byte-in-signed-range", flipped);

        add("truncated-cms", truncateCms(bb));

        TestPdfs.Sig cert = sig(alice);
        cert.docMdp = 1;
        byte[] certified = TestPdfs.sign(TestPdfs.document("Pay 100 EUR to Alice", false), cert);
        add("docmdp-p1-certified", certified);
        add("docmdp-p1-then-page-content-changed", TestPdfs.changePageContent(certified, "Pay 9999 EUR to Mallory"));
        return this;
    }

    /**
     * Timestamps whose TSA certificate the CRL in the file lists as revoked: before the timestamp's
     * genTime, or after it with and without a later timestamp that proves the token existed before.
     */
    private void addRevokedTsaCases() throws IOException {
        TestPki.Issued henry = pki.signer("Henry");
        // signature timestamp 1 h ago by a TSA revoked 2 h ago; CRL of 30 min ago in the DSS
        TestPki.Issued tsaA = pki.tsa("Corpus TSA Revoked Before");
        X509CRL crlA = pki.crl(ago(30), Map.of(serial(tsaA), ago(120)));
        add("tsa-revoked-before-signature-timestamp-B-LT",
                TestPdfs.addDss(bt(henry, ago(60), tsaA), List.of(henry.certificate(), root, tsaA.certificate()), List.of(crlA)));

        // signature timestamp 3 h ago by a TSA revoked 2 h ago; CRL of 1 h ago
        TestPki.Issued tsaB = pki.tsa("Corpus TSA Revoked After");
        X509CRL crlB = pki.crl(ago(60), Map.of(serial(tsaB), ago(120)));
        byte[] ltB = TestPdfs.addDss(bt(henry, ago(180), tsaB), List.of(henry.certificate(), root, tsaB.certificate(), tsa.certificate()),
                List.of(crlB));
        add("tsa-revoked-after-signature-timestamp-B-LT", ltB);
        // ... with a document timestamp of 150 min ago (before the revocation): it proves the signature timestamp existed then
        add("tsa-revoked-after-signature-timestamp-then-earlier-LTA", TestPdfs.addDocumentTimestamp(ltB, tsa, ago(150)));
        // ... with a document timestamp of 30 min ago (after the revocation): too late to prove anything about it
        add("tsa-revoked-after-signature-timestamp-then-later-LTA", TestPdfs.addDocumentTimestamp(ltB, tsa, ago(30)));

        // a document timestamp 20 min ago by a TSA revoked 90 min ago (the CRL is in the DSS it covers)
        TestPki.Issued tsaE = pki.tsa("Corpus TSA Document Revoked Before");
        byte[] ltE = TestPdfs.addDss(bt(henry, ago(60)), List.of(henry.certificate(), root, tsa.certificate(), tsaE.certificate()),
                List.of(pki.crl(ago(30), Map.of(serial(tsaE), ago(90)))));
        add("document-timestamp-by-tsa-revoked-before", TestPdfs.addDocumentTimestamp(ltE, tsaE, ago(20)));

        // a document timestamp 120 min ago by a TSA revoked 60 min ago (a CRL of 30 min ago added after it)
        TestPki.Issued tsaF = pki.tsa("Corpus TSA Document Revoked After");
        byte[] ltF = TestPdfs.addDss(bt(henry, ago(180)), List.of(henry.certificate(), root, tsa.certificate(), tsaF.certificate()),
                List.of(pki.crl(ago(150))));
        byte[] ltaF = TestPdfs.addDocumentTimestamp(ltF, tsaF, ago(120));
        byte[] revokedF = TestPdfs.addDss(ltaF, List.of(tsaF.certificate(), root), List.of(pki.crl(ago(30), Map.of(serial(tsaF), ago(60)))));
        add("document-timestamp-by-tsa-revoked-after", revokedF);
        // ... and a later document timestamp (a good TSA, 90 min ago: before the revocation) over it
        add("document-timestamp-by-tsa-revoked-after-then-earlier-timestamp", TestPdfs.addDocumentTimestamp(revokedF, tsa, ago(90)));
    }

    byte[] bt(TestPki.Issued signer, Instant signedAt, TestPki.Issued by) throws IOException {
        TestPdfs.Sig s = sig(signer);
        s.tsa = by;
        s.signingTime = signedAt;
        s.timestampTime = signedAt;
        return TestPdfs.sign(TestPdfs.document("Pay 100 EUR to Alice", false), s);
    }

    /** Files signed by poppler's pdfsig (RSA, adbe.pkcs7.detached). */
    Corpus withPopplerSigned() throws Exception {
        TestPki.Issued grace = pki.rsaSigner("Grace");
        Poppler poppler = new Poppler(Files.createDirectories(dir.resolve("poppler")), grace, pki);
        Path unsigned = dir.resolve("unsigned-poppler.pdf");
        Files.write(unsigned, TestPdfs.document("Pay 100 EUR to Grace", false));
        Path pkcs7 = dir.resolve("poppler-pkcs7.pdf");
        poppler.sign(unsigned, pkcs7, false, "PopplerSig");
        cases.add(new Case("poppler-pkcs7", pkcs7, List.of(root)));
        // pdfsig 22.12 cannot add ETSI.CAdES.detached ("-etsi is not supported yet with -add-signature"), and PDFBox's
        // incremental save of its output runs out of memory (so no DSS is added to it here)
        return this;
    }

    /** Files signed by EU DSS 6.4 itself, at every level. */
    Corpus withDssSigned() throws Exception {
        TestPki.Issued frank = pki.signer("Frank");
        Path unsigned = dir.resolve("unsigned.pdf");
        Files.write(unsigned, TestPdfs.document("Pay 100 EUR to Frank", false));
        X509CRL crl = pki.crl(ago(5));
        for (String level : List.of("B", "T", "LT", "LTA")) {
            Path out = dir.resolve("dss-signed-" + (level.equals("B") ? "B-B" : "B-" + level) + ".pdf");
            DssOracle.sign(unsigned, out, "PAdES-BASELINE-" + level, frank, root, tsa, crl);
            cases.add(new Case("dss-signed-" + (level.equals("B") ? "B-B" : "B-" + level), out, List.of(root)));
        }
        return this;
    }

    /**
     * Files Signet signs itself, as the server does: ca-core's CAs, OCSP responder and TSA with the
     * signing module's {@code PdfSigner} ({@link SignetMade}). Trust anchor: Signet's root. B-LT and
     * B-LTA carry Signet's OCSP responses in the DSS dictionary (and its CRLs).
     */
    Corpus withSignetSigned() throws Exception {
        Path home = Files.createDirectories(dir.resolve("signet"));
        try (SignetMade signet = new SignetMade(Files.createTempDirectory(home, "ca-"))) {
            List<X509Certificate> anchor = List.of(signet.rootCertificate);
            SignetMade.Identity alice = signet.identity("Alice");
            Path unsigned = Files.write(home.resolve("unsigned.pdf"), TestPdfs.document("Pay 100 EUR to Alice", false));
            for (dev.signet.signing.PadesLevel level : dev.signet.signing.PadesLevel.values()) {
                addSigned(signet, "signet-" + level.id(), unsigned, alice, dev.signet.signing.PdfSignOptions.at(level), anchor);
            }
            for (int p = 1; p <= 3; p++) {
                addSigned(signet, "signet-certified-P" + p + "-B-LT", unsigned, alice,
                        dev.signet.signing.PdfSignOptions.at(dev.signet.signing.PadesLevel.B_LT).certifying(p), anchor);
            }
            SignetMade.Identity bob = signet.identity("Bob");
            Path first = caseFile("signet-B-LT");
            addSigned(signet, "signet-second-signature-B-LT", first, bob,
                    dev.signet.signing.PdfSignOptions.at(dev.signet.signing.PadesLevel.B_LT), anchor);
            addSigned(signet, "signet-certified-P2-then-second-signature", caseFile("signet-certified-P2-B-LT"), bob,
                    dev.signet.signing.PdfSignOptions.at(dev.signet.signing.PadesLevel.B_T), anchor);
            Path extended = home.resolve("signet-extended-B-B-to-B-LTA.pdf");
            signet.signer.extend(caseFile("signet-B-B"), extended, dev.signet.signing.PadesLevel.B_LTA, null);
            cases.add(new Case("signet-extended-B-B-to-B-LTA", extended, anchor));

            // revoked after signing: signed at B-T, revoked a second later, then extended to B-LTA (the DSS holds
            // Signet's OCSP response "revoked", with a revocation time after the signature timestamp)
            SignetMade.Identity carol = signet.identity("Carol");
            Path carolBt = home.resolve("carol-B-T.pdf");
            signet.signer.sign(unsigned, carolBt, carol.signing(), dev.signet.signing.PdfSignOptions.at(dev.signet.signing.PadesLevel.B_T));
            Thread.sleep(1100);
            signet.revoke(carol);
            Path carolLta = home.resolve("signet-revoked-after-signing-B-LTA.pdf");
            signet.signer.extend(carolBt, carolLta, dev.signet.signing.PadesLevel.B_LTA, null);
            cases.add(new Case("signet-revoked-after-signing-B-LTA", carolLta, anchor));

            // revoked before signing: the signing code does not look at its own status, so the file says "revoked" in its DSS
            SignetMade.Identity dave = signet.identity("Dave");
            signet.revoke(dave);
            Thread.sleep(1100);
            addSigned(signet, "signet-revoked-before-signing-B-LTA", unsigned, dave,
                    dev.signet.signing.PdfSignOptions.at(dev.signet.signing.PadesLevel.B_LTA), anchor);

            // the same with OCSP responses only in the DSS dictionary (no CRL), so that OCSP alone decides
            SignetMade.Identity erin = signet.identity("Erin");
            addOcspOnly(signet, "signet-ocsp-only-B-LT", unsigned, erin, dev.signet.signing.PadesLevel.B_LT, anchor);
            addOcspOnly(signet, "signet-ocsp-only-B-LTA", unsigned, erin, dev.signet.signing.PadesLevel.B_LTA, anchor);
            SignetMade.Identity frank = signet.identity("Frank");
            Path frankBt = home.resolve("frank-B-T.pdf");
            signet.ocspOnlySigner.sign(unsigned, frankBt, frank.signing(), dev.signet.signing.PdfSignOptions.at(dev.signet.signing.PadesLevel.B_T));
            Thread.sleep(1100);
            signet.revoke(frank);
            Path frankLta = home.resolve("signet-ocsp-only-revoked-after-signing-B-LTA.pdf");
            signet.ocspOnlySigner.extend(frankBt, frankLta, dev.signet.signing.PadesLevel.B_LTA, null);
            cases.add(new Case("signet-ocsp-only-revoked-after-signing-B-LTA", frankLta, anchor));
            SignetMade.Identity grace = signet.identity("Grace");
            signet.revoke(grace);
            Thread.sleep(1100);
            addOcspOnly(signet, "signet-ocsp-only-revoked-before-signing-B-LT", unsigned, grace, dev.signet.signing.PadesLevel.B_LT, anchor);
        }
        return this;
    }

    private void addSigned(SignetMade signet, String name, Path in, SignetMade.Identity who, dev.signet.signing.PdfSignOptions options,
            List<X509Certificate> anchor) {
        Path out = dir.resolve("signet").resolve(name + ".pdf");
        signet.signer.sign(in, out, who.signing(), options);
        cases.add(new Case(name, out, anchor));
    }

    private void addOcspOnly(SignetMade signet, String name, Path in, SignetMade.Identity who, dev.signet.signing.PadesLevel level,
            List<X509Certificate> anchor) {
        Path out = dir.resolve("signet").resolve(name + ".pdf");
        signet.ocspOnlySigner.sign(in, out, who.signing(), dev.signet.signing.PdfSignOptions.at(level));
        cases.add(new Case(name, out, anchor));
    }

    private Path caseFile(String name) {
        return cases.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().file();
    }

    /** Keeps the first half of the CMS and zeroes the rest, as a signer that ran out of room would. */
    static byte[] truncateCms(byte[] signed) {
        byte[] out = signed.clone();
        int contents = indexOf(out, "/Contents <".getBytes()) + "/Contents <".length();
        int end = contents;
        while (out[end] != '>') end++;
        int used = end;
        while (used > contents && out[used - 1] == '0') used--;
        for (int i = contents + (used - contents) / 2; i < end; i++) out[i] = '0';
        return out;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        return indexOf(hay, needle, 0);
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    static int lastIndexOf(byte[] hay, byte[] needle) {
        for (int i = hay.length - needle.length; i >= 0; i--) {
            boolean m = true;
            for (int j = 0; j < needle.length && m; j++) m = hay[i + j] == needle[j];
            if (m) return i;
        }
        return -1;
    }

    static BigInteger serial(TestPki.Issued i) {
        return i.certificate().getSerialNumber();
    }
}
