package dev.signet.signing;

import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.pkcs11.SoftHsm2TestToken;
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
 * Keys: P-256 for both. By default Signet's is in its software HSM (through the boundary, digest
 * only) and DSS's in a PKCS#12 token (its own usual set-up). With {@code softhsm2} as the third
 * argument both keys are on the same SoftHSM2 token: Signet's through its pkcs11 backend, DSS's
 * through its own {@code Pkcs11SignatureToken} (SunPKCS11). Each case warms up, then measures;
 * prints the ratio.
 * mvn -B -ntp -q -pl signing -am test-compile exec:java@signing-bench -Dexec.mainClass=dev.signet.signing.PadesSigningBenchmark [-Dexec.args="WARMUP_S MEASURE_S"]
 * SOFTHSM2_CONF=$PWD/signing/target/softhsm2-bench/softhsm2.conf mvn -B -ntp -q -pl signing -am test-compile exec:java@signing-bench -Dexec.mainClass=dev.signet.signing.PadesSigningBenchmark -Dexec.args="20 10 softhsm2"
 */
public final class PadesSigningBenchmark {

    interface Signer {
        void sign(Path in, Path out) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int measure = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("signet-pades-bench");
        boolean softhsm2 = args.length > 2 && args[2].equals("softhsm2");
        dev.signet.hsm.Hsm p11 = null;
        try (TestPki pki = TestPki.start(dir)) {
            SigningIdentity id;
            Dss dss;
            if (softhsm2) {
                p11 = dev.signet.hsm.Hsms.open(SoftHsm2TestToken.config(4));
                id = pki.identity("Bench Signer", KeyAlgorithm.EC_P256, p11.signingKeys(dev.signet.hsm.KeyPurpose.DOCUMENT),
                        SoftHsm2TestToken.uniqueLabel("bench-signet"));
                dss = new Dss(pki, Dss.softHsm2Key(pki));
                System.out.println("keys: both P-256 on SoftHSM2 token " + SoftHsm2TestToken.TOKEN_LABEL
                        + " (Signet: pkcs11 backend; DSS: Pkcs11SignatureToken)");
            } else {
                id = pki.identity("Bench Signer", KeyAlgorithm.EC_P256);
                dss = new Dss(pki, Dss.pkcs12Key(pki));
                System.out.println("keys: both P-256 in software (Signet: software HSM; DSS: PKCS#12)");
            }
            Path work = Files.createDirectories(dir.resolve("work"));
            PdfSigner signet = new PdfSigner(pki.tsa(), pki.revocation(), work, Clock.systemUTC());
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
            if (p11 != null) {
                p11.close();
            }
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

    /** DSS's PAdES service with a P-256 key (PKCS#12 or on SoftHSM2) certified by the same test root. */
    static final class Dss {
        /** A DSS token, its key entry and the key's certificate. */
        record Key(eu.europa.esig.dss.token.SignatureTokenConnection token, DSSPrivateKeyEntry entry, X509Certificate cert) {}

        private final PAdESService service;
        private final eu.europa.esig.dss.token.SignatureTokenConnection token;
        private final DSSPrivateKeyEntry key;
        private final X509Certificate cert;
        private final X509Certificate root;

        Dss(TestPki pki, Key k) {
            token = k.token();
            key = k.entry();
            cert = k.cert();
            root = pki.root;
            service = new PAdESService(new CommonCertificateVerifier());
            TimestampSource tsa = pki.tsa();
            service.setTspSource((alg, digest) -> new TimestampBinary(tsaToken(tsa, alg, digest)));
        }

        static Key pkcs12Key(TestPki pki) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            X509Certificate cert = certify(pki, kp.getPublic());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("signer", kp.getPrivate(), "bench".toCharArray(), new java.security.cert.Certificate[] {cert, pki.root});
            ByteArrayOutputStream p12 = new ByteArrayOutputStream();
            ks.store(p12, "bench".toCharArray());
            Pkcs12SignatureToken token = new Pkcs12SignatureToken(p12.toByteArray(), new KeyStore.PasswordProtection("bench".toCharArray()));
            return new Key(token, token.getKeys().get(0), cert);
        }

        /**
         * A P-256 key generated on the SoftHSM2 test token through SunPKCS11 and stored there with its
         * certificate (a key entry needs one), then opened as DSS opens any PKCS#11 token.
         */
        static Key softHsm2Key(TestPki pki) throws Exception {
            long slot = slotOf(SoftHsm2TestToken.TOKEN_LABEL);
            String config = "--name=dss-bench\nlibrary=" + SoftHsm2TestToken.LIBRARY + "\nslot=" + slot + "\n";
            java.security.Provider p = java.security.Security.getProvider("SunPKCS11").configure(config);
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, SoftHsm2TestToken.USER_PIN.toCharArray());
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            X509Certificate cert = certify(pki, kp.getPublic());
            String alias = SoftHsm2TestToken.uniqueLabel("bench-dss");
            ks.setKeyEntry(alias, kp.getPrivate(), null, new java.security.cert.Certificate[] {cert, pki.root});
            eu.europa.esig.dss.token.Pkcs11SignatureToken token = new eu.europa.esig.dss.token.Pkcs11SignatureToken(
                    SoftHsm2TestToken.LIBRARY.toString(), new KeyStore.PasswordProtection(SoftHsm2TestToken.USER_PIN.toCharArray()),
                    (int) slot);
            DSSPrivateKeyEntry entry = token.getKeys().stream()
                    .filter(e -> e instanceof eu.europa.esig.dss.token.KSPrivateKeyEntry k && k.getAlias().equals(alias))
                    .findFirst().orElseThrow(() -> new IllegalStateException("DSS does not see key " + alias + " on the token"));
            return new Key(token, entry, cert);
        }

        /** The slot id of the token labelled {@code label}, from {@code softhsm2-util --show-slots}. */
        private static long slotOf(String label) {
            var r = SoftHsm2TestToken.run(java.util.Map.of("SOFTHSM2_CONF", System.getenv("SOFTHSM2_CONF")), "softhsm2-util", "--show-slots");
            Long slot = null;
            for (String line : r.output().split("\n")) {
                String t = line.strip();
                if (line.startsWith("Slot ")) {
                    slot = Long.parseLong(line.substring(5).strip());
                } else if (t.startsWith("Label:") && t.substring(6).strip().equals(label) && slot != null) {
                    return slot;
                }
            }
            throw new IllegalStateException("no SoftHSM2 slot holds token " + label + ":\n" + r.output());
        }

        private static X509Certificate certify(TestPki pki, java.security.PublicKey publicKey) throws Exception {
            Instant now = Instant.now();
            var b = new JcaX509v3CertificateBuilder(X500Name.getInstance(pki.root.getSubjectX500Principal().getEncoded()),
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=DSS Bench Signer,O=Signet Tests"), publicKey);
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pki.rootKey.getPrivate())));
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
