package dev.signet.signing;

import dev.signet.hsm.KeyAlgorithm;
import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.TimestampBinary;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.token.DSSPrivateKeyEntry;
import eu.europa.esig.dss.token.Pkcs12SignatureToken;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * PAdES signatures per second, Signet vs EU DSS 6.4 signing the same files in the same run, at B-B
 * and B-T (the same in-process test TSA for both), on a 1-page and a 10 MB PDF, 1 and 2 threads.
 * Keys: P-256 for both, Signet's in its software HSM (through the boundary, digest only), DSS's in
 * a PKCS#12 token (its own usual set-up). Each case warms up, then measures; prints the ratio.
 * mvn -B -ntp -q -pl signing -am test-compile exec:java@signing-bench -Dexec.mainClass=dev.signet.signing.PadesSigningBenchmark [-Dexec.args="WARMUP_S MEASURE_S"]
 */
public final class PadesSigningBenchmark {

    interface Signer {
        void sign(Path in, Path out) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int measure = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("signet-pades-bench");
        try (TestPki pki = TestPki.start(dir)) {
            SigningIdentity id = pki.identity("Bench Signer", KeyAlgorithm.EC_P256);
            Path work = Files.createDirectories(dir.resolve("work"));
            PdfSigner signet = new PdfSigner(pki.tsa(), pki.revocation(), work, Clock.systemUTC());
            Dss dss = new Dss(pki);
            List<Path> files = List.of(TestPdfs.onePage(dir.resolve("one-page.pdf")),
                    LargePdfHeapBenchmark.largePdf(dir.resolve("ten-mb.pdf"), 10));
            System.out.printf("warm-up %d s, measure %d s per case%n", warmup, measure);
            for (Path file : files) {
                for (PadesLevel level : List.of(PadesLevel.B_B, PadesLevel.B_T)) {
                    for (int threads : new int[] {1, 2}) {
                        double s = rate(file, threads, warmup, measure, dir,
                                (in, out) -> signet.sign(in, out, id, PdfSignOptions.at(level)));
                        double d = rate(file, threads, warmup, measure, dir, (in, out) -> dss.sign(in, out, level));
                        System.out.printf("%-12s %s %d thread(s): Signet %.1f/s, DSS %.1f/s, ratio %.2f%n",
                                file.getFileName(), level.id(), threads, s, d, s / d);
                    }
                }
            }
        } finally {
            try (var all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static double rate(Path in, int threads, int warmup, int measure, Path dir, Signer signer) throws Exception {
        run(in, threads, warmup, dir, signer);
        long n = run(in, threads, measure, dir, signer);
        return n / (double) measure;
    }

    private static long run(Path in, int threads, int seconds, Path dir, Signer signer) throws Exception {
        Instant end = Instant.now().plusSeconds(seconds);
        AtomicLong count = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> all = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    Path out = Files.createTempFile(dir, "out-", ".pdf");
                    while (Instant.now().isBefore(end)) {
                        signer.sign(in, out);
                        count.incrementAndGet();
                    }
                    Files.deleteIfExists(out);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return count.get();
    }

    /** DSS's PAdES service with a P-256 PKCS#12 key certified by the same test root. */
    static final class Dss {
        private final PAdESService service;
        private final Pkcs12SignatureToken token;
        private final DSSPrivateKeyEntry key;
        private final X509Certificate cert;
        private final X509Certificate root;

        Dss(TestPki pki) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            Instant now = Instant.now();
            var b = new JcaX509v3CertificateBuilder(X500Name.getInstance(pki.root.getSubjectX500Principal().getEncoded()),
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=DSS Bench Signer,O=Signet Tests"), kp.getPublic());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pki.rootKey.getPrivate())));
            root = pki.root;
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("signer", kp.getPrivate(), "bench".toCharArray(), new java.security.cert.Certificate[] {cert, root});
            ByteArrayOutputStream p12 = new ByteArrayOutputStream();
            ks.store(p12, "bench".toCharArray());
            token = new Pkcs12SignatureToken(p12.toByteArray(), new KeyStore.PasswordProtection("bench".toCharArray()));
            key = token.getKeys().get(0);
            service = new PAdESService(new CommonCertificateVerifier());
            TimestampSource tsa = pki.tsa();
            service.setTspSource((alg, digest) -> new TimestampBinary(tsaToken(tsa, alg, digest)));
        }

        private static byte[] tsaToken(TimestampSource tsa, DigestAlgorithm alg, byte[] digest) {
            return tsa.timestamp(alg.getJavaName(), digest);
        }

        void sign(Path in, Path out, PadesLevel level) throws Exception {
            PAdESSignatureParameters params = new PAdESSignatureParameters();
            params.setSignatureLevel(level == PadesLevel.B_T ? SignatureLevel.PAdES_BASELINE_T : SignatureLevel.PAdES_BASELINE_B);
            params.setDigestAlgorithm(DigestAlgorithm.SHA256);
            params.setSigningCertificate(new CertificateToken(cert));
            params.setCertificateChain(List.of(new CertificateToken(root)));
            DSSDocument doc = new FileDocument(in.toFile());
            ToBeSigned tbs = service.getDataToSign(doc, params);
            SignatureValue value = token.sign(tbs, DigestAlgorithm.SHA256, key);
            DSSDocument signed = service.signDocument(doc, params, value);
            try (OutputStream o = Files.newOutputStream(out)) {
                signed.writeTo(o);
            }
        }
    }
}
