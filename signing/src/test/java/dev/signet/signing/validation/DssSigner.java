package dev.signet.signing.validation;

import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureAlgorithm;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.TimestampBinary;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.revocation.crl.ExternalResourcesCRLSource;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * Signs a PDF with EU DSS's own PAdESService (runs in {@link DssOracle}'s class loader, JDK types in
 * and out): P-256 signer key, the given level; a TSA made from the test PKI; the given CRL as the
 * only revocation source (offline).
 */
public final class DssSigner {
    private DssSigner() {}

    public static void sign(String in, String out, String level, byte[] keyPkcs8, byte[][] chain, byte[] tsaKeyPkcs8, byte[] tsaCert,
            byte[] crl) throws Exception {
        CommonCertificateVerifier cv = new CommonCertificateVerifier();
        cv.setAIASource(null);
        cv.setOcspSource(null);
        cv.setCrlSource(new ExternalResourcesCRLSource(new ByteArrayInputStream(crl)));
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        trusted.addCertificate(DSSUtils.loadCertificate(chain[chain.length - 1]));
        cv.setTrustedCertSources(trusted);
        PAdESService service = new PAdESService(cv);
        PrivateKey tsaKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(tsaKeyPkcs8));
        java.security.cert.X509Certificate tsa = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new ByteArrayInputStream(tsaCert));
        service.setTspSource((DigestAlgorithm alg, byte[] digest) -> {
            try {
                TimeStampTokenGenerator g = new TimeStampTokenGenerator(
                        new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", tsaKey, tsa),
                        new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                        new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"));
                g.addCertificates(new JcaCertStore(List.of(tsa)));
                TimeStampRequestGenerator rg = new TimeStampRequestGenerator();
                rg.setCertReq(true);
                return new TimestampBinary(g.generate(rg.generate(new ASN1ObjectIdentifier(alg.getOid()), digest),
                        BigInteger.valueOf(System.nanoTime()), new Date()).getEncoded());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        PAdESSignatureParameters p = new PAdESSignatureParameters();
        p.setSignatureLevel(SignatureLevel.valueByName(level));
        p.setDigestAlgorithm(DigestAlgorithm.SHA256);
        CertificateToken signer = DSSUtils.loadCertificate(chain[0]);
        p.setSigningCertificate(signer);
        List<CertificateToken> tokens = new java.util.ArrayList<>();
        for (byte[] c : chain) tokens.add(DSSUtils.loadCertificate(c));
        p.setCertificateChain(tokens);
        DSSDocument doc = new FileDocument(new File(in));
        ToBeSigned tbs = service.getDataToSign(doc, p);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(keyPkcs8)));
        s.update(tbs.getBytes());
        DSSDocument signed = service.signDocument(doc, p, new SignatureValue(SignatureAlgorithm.ECDSA_SHA256, s.sign()));
        signed.save(out);
    }
}
