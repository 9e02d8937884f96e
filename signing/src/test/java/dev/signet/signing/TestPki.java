package dev.signet.signing;

import com.sun.net.httpserver.HttpServer;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.Hsms;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.ScopedSigner;
import dev.signet.hsm.SecretSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;

/**
 * A small real PKI for signing tests, built with Bouncy Castle apart from Signet's CA code: a root
 * (software key), signer keys generated in a software HSM with purpose DOCUMENT, a TSA, OCSP
 * responses and CRLs signed by the root, and an OCSP responder on 127.0.0.1 (pdfsig asks the
 * certificate's AIA URL). Certificates carry AIA and CRL DP URLs, as DSS needs for LT.
 */
final class TestPki implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final AtomicLong serials = new AtomicLong(System.nanoTime() & 0xffffffffL);

    final KeyPair rootKey;
    final X509Certificate root;
    final KeyPair tsaKey;
    final X509Certificate tsaCert;
    final Hsm hsm;
    private final HttpServer server;
    private final String base;

    private TestPki(Path dir) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/ocsp", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                byte[] answer = answer(new OCSPReq(in.readAllBytes()));
                ex.getResponseHeaders().add("Content-Type", "application/ocsp-response");
                ex.sendResponseHeaders(200, answer.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(answer);
                }
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
            ex.close();
        });
        server.createContext("/crl", ex -> {
            byte[] crl = crl();
            ex.sendResponseHeaders(200, crl.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(crl);
            }
            ex.close();
        });
        server.start();
        rootKey = ecKey();
        X500Name rootName = new X500Name("CN=Signet Test Root,O=Signet Tests");
        root = certificate(rootName, rootName, rootKey.getPublic(), rootKey, true, null);
        tsaKey = ecKey();
        tsaCert = certificate(new X500Name("CN=Signet Test TSA,O=Signet Tests"), rootName, tsaKey.getPublic(), rootKey,
                false, KeyPurposeId.id_kp_timeStamping);
        hsm = Hsms.open(new HsmConfig.Software(dir.resolve("hsm"),
                new SecretSource.Env("P", Map.of("P", "test passphrase for signing tests"))));
    }

    static TestPki start(Path dir) throws Exception {
        return new TestPki(dir);
    }

    /** A signer identity: key generated in the HSM (purpose DOCUMENT), certificate from the root. */
    SigningIdentity identity(String cn, KeyAlgorithm algorithm) throws Exception {
        ScopedSigner signer = hsm.signingKeys(KeyPurpose.DOCUMENT).generate("doc-" + serials.incrementAndGet(), algorithm);
        X509Certificate cert = certificate(new X500Name("CN=" + cn + ",O=Signet Tests"),
                X500Name.getInstance(root.getSubjectX500Principal().getEncoded()), signer.publicKey(), rootKey, false, null);
        return new SigningIdentity(cn, signer, List.of(cert, root));
    }

    /** As {@link #identity(String, KeyAlgorithm)}, with the key generated in {@code keys} (another backend). */
    SigningIdentity identity(String cn, KeyAlgorithm algorithm, dev.signet.hsm.SigningKeys keys, String label) throws Exception {
        ScopedSigner signer = keys.generate(label, algorithm);
        X509Certificate cert = certificate(new X500Name("CN=" + cn + ",O=Signet Tests"),
                X500Name.getInstance(root.getSubjectX500Principal().getEncoded()), signer.publicKey(), rootKey, false, null);
        return new SigningIdentity(cn, signer, List.of(cert, root));
    }

    /**
     * A signer with this PKI's TSA and revocation data, on the system clock, writing its temporary
     * files in {@code work} (made if missing).
     */
    PdfSigner pdfSigner(Path work) throws IOException {
        return new PdfSigner(tsa(), revocation(), Files.createDirectories(work), Clock.systemUTC());
    }

    TimestampSource tsa() {
        return new TimestampSource() {
            @Override
            public byte[] timestamp(String digestAlgorithm, byte[] digest) {
                try {
                    DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
                    TimeStampTokenGenerator gen = new TimeStampTokenGenerator(
                            new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", tsaKey.getPrivate(), tsaCert),
                            digests.get(new DefaultDigestAlgorithmIdentifierFinder().find("SHA-256")),
                            new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"));
                    gen.addCertificates(new JcaCertStore(List.of(tsaCert)));
                    TimeStampRequest req = new TimeStampRequestGenerator().generate(
                            new DefaultDigestAlgorithmIdentifierFinder().find(digestAlgorithm), digest);
                    return gen.generate(req, BigInteger.valueOf(serials.incrementAndGet()), new Date()).getEncoded();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public List<X509Certificate> chain() {
                return List.of(tsaCert, root);
            }
        };
    }

    RevocationSource revocation() {
        return new RevocationSource() {
            @Override
            public Optional<byte[]> ocspResponse(X509Certificate certificate, X509Certificate issuer) {
                try {
                    CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build()
                            .get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
                    return Optional.of(ocsp(List.of(id)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public List<byte[]> crls(X509Certificate certificate, X509Certificate issuer) {
                return List.of(crl());
            }
        };
    }

    private byte[] answer(OCSPReq req) throws Exception {
        List<CertificateID> ids = new java.util.ArrayList<>();
        for (Req r : req.getRequestList()) {
            ids.add(r.getCertID());
        }
        return ocsp(ids);
    }

    private byte[] ocsp(List<CertificateID> ids) throws Exception {
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(root.getPublicKey().getEncoded()),
                digests.get(CertificateID.HASH_SHA1)));
        Date now = new Date();
        for (CertificateID id : ids) {
            b.addResponse(id, CertificateStatus.GOOD, now, new Date(now.getTime() + 86_400_000L));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate());
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                b.build(signer, new X509CertificateHolder[] {new JcaX509CertificateHolder(root)}, now)).getEncoded();
    }

    byte[] crl() {
        try {
            Date now = new Date();
            X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(root.getSubjectX500Principal().getEncoded()), now);
            b.setNextUpdate(new Date(now.getTime() + 86_400_000L));
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.getTime())));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root.getPublicKey()));
            return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate certificate(X500Name subject, X500Name issuer, PublicKey key, KeyPair issuerKey, boolean ca,
                                        KeyPurposeId eku) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serials.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), subject, key);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerKey.getPublic()));
        if (ca) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            if (eku != null) {
                b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(eku));
            }
            b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription(
                    X509ObjectIdentifiers.ocspAccessMethod, new GeneralName(GeneralName.uniformResourceIdentifier, base + "/ocsp"))));
            b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                    new DistributionPoint(new DistributionPointName(new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, base + "/crl"))), null, null)}));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    @Override
    public void close() {
        server.stop(0);
        hsm.close();
    }
}
