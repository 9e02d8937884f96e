package dev.signet.signing.validation;

import dev.signet.signing.PdfSignatureValidator;
import dev.signet.signing.SignatureReport;
import dev.signet.signing.ValidationPolicy;
import dev.signet.signing.ValidationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Validations per second of a B-LTA PDF (1 page, and about 10 MB): Signet's PdfSignatureValidator
 * against EU DSS 6.4's SignedDocumentValidator (offline, same trust anchor), same files, same run,
 * one thread each, after a warm-up of the same load (20 s each by default; SIGNET_BENCH_WARMUP_S,
 * SIGNET_BENCH_MEASURE_S override). Checks first that both give the same verdicts. Run from the root:
 * mvn -B -ntp -q -pl signing -am test-compile exec:java@validation-bench
 */
public final class ValidationBenchmark {
    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(System.getenv().getOrDefault("SIGNET_BENCH_WARMUP_S", "20"));
        int measure = Integer.parseInt(System.getenv().getOrDefault("SIGNET_BENCH_MEASURE_S", "10"));
        Path dir = Files.createTempDirectory("signet-validation-bench");
        Corpus c = new Corpus(dir);
        TestPki.Issued signer = c.pki.signer("Bench Signer");
        List<Path> files = new ArrayList<>();
        for (int size : new int[] {0, 10 << 20}) {
            byte[] doc = size == 0 ? TestPdfs.document("one page", false) : TestPdfs.largeDocument(size);
            TestPdfs.Sig s = c.sig(signer);
            s.tsa = c.tsa;
            byte[] lta = TestPdfs.addDocumentTimestamp(c.lt(TestPdfs.sign(doc, s), signer, c.pki.crl(Corpus.ago(1))), c.tsa, java.time.Instant.now());
            Path f = dir.resolve(size == 0 ? "b-lta-1-page.pdf" : "b-lta-10-mb.pdf");
            Files.write(f, lta);
            files.add(f);
        }
        try (PdfSignatureValidator signet = new PdfSignatureValidator(ValidationPolicy.defaults().withTrustAnchors(List.of(c.root)))) {
            System.out.printf("warm-up %d s, measure %d s, one thread each%n", warmup, measure);
            for (Path f : files) {
                String ours = verdicts(signet.validate(f));
                String theirs = dssVerdicts(DssOracle.validate(f, List.of(c.root), null));
                if (!ours.equals(theirs)) throw new IllegalStateException("verdicts differ on " + f + ": Signet " + ours + ", DSS " + theirs);
                double signetRate = rate(() -> signet.validate(f), warmup, measure);
                double dssRate = rate(() -> DssOracle.validate(f, List.of(c.root), null), warmup, measure);
                System.out.printf("%-18s %9d bytes  verdicts %s  Signet %8.1f/s  DSS %8.1f/s  ratio %.2f%n",
                        f.getFileName(), Files.size(f), ours, signetRate, dssRate, signetRate / dssRate);
            }
        }
    }

    static String verdicts(ValidationReport r) {
        StringBuilder b = new StringBuilder();
        for (SignatureReport s : r.signatures()) b.append(s.indication()).append(s.level() == null ? "" : "/" + s.level()).append(' ');
        return b.toString().trim();
    }

    static String dssVerdicts(List<DssOracle.Verdict> v) {
        StringBuilder b = new StringBuilder();
        for (DssOracle.Verdict d : v) b.append(CorpusAgreementTest.total(d.indication())).append(d.level() == null ? "" : "/" + d.level()).append(' ');
        return b.toString().trim();
    }

    static double rate(Supplier<?> op, int warmupSeconds, int measureSeconds) {
        long end = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) op.get();
        long start = System.nanoTime();
        end = start + measureSeconds * 1_000_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
            op.get();
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
