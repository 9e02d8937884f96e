package dev.signet.signing.validation;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test PKI made in memory: a root CA, end-entity certificates (document signers, a TSA) with
 * the CRL distribution point and AIA URLs that DSS wants for LT/LTA, and CRLs at chosen times.
 * Nothing is ever fetched from those URLs.
 */
final class TestPki {
    record Issued(X509Certificate certificate, PrivateKey key) {}

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    final String name;
    final Issued root;

    TestPki(String name) {
        this.name = name;
        try {
            KeyPair kp = ec();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + name + " Root,O=Signet Tests");
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofDays(400))),
                    Date.from(now.plus(Duration.ofDays(3650))), subject, kp.getPublic());
            JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate c = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            root = new Issued(c, kp.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Issued signer(String cn, Instant notBefore, Instant notAfter) {
        return issue(cn, notBefore, notAfter, false, ec());
    }

    Issued rsaSigner(String cn) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return issue(cn, Instant.now().minus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(365)), false, g.generateKeyPair());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Issued signer(String cn) {
        return signer(cn, Instant.now().minus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(365)));
    }

    Issued tsa() {
        return tsa(name + " TSA");
    }

    Issued tsa(String cn) {
        return issue(cn, Instant.now().minus(Duration.ofDays(300)), Instant.now().plus(Duration.ofDays(3000)), true, ec());
    }

    private Issued issue(String cn, Instant notBefore, Instant notAfter, boolean tsa, KeyPair kp) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root.certificate(), serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=" + cn + ",O=Signet Tests"), kp.getPublic());
            JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(tsa ? KeyUsage.digitalSignature : KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            if (tsa) b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(kp.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(root.certificate()));
            String base = "http://127.0.0.1:9/" + name.replace(' ', '-');
            b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, base + ".crl"))), null, null)}));
            b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
                new AccessDescription(AccessDescription.id_ad_caIssuers, new GeneralName(GeneralName.uniformResourceIdentifier, base + ".crt"))}));
            String alg = kp.getPublic().getAlgorithm().equals("RSA") ? "SHA256withECDSA" : "SHA256withECDSA";
            X509Certificate c = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(alg).build(root.key())));
            return new Issued(c, kp.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL issued at {@code thisUpdate} listing {@code revoked} (serial -> revocation time). */
    X509CRL crl(Instant thisUpdate, Map<BigInteger, Instant> revoked) {
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            b.setNextUpdate(Date.from(thisUpdate.plus(Duration.ofDays(7))));
            revoked.forEach((serial, at) -> b.addCRLEntry(serial, Date.from(at), CRLReason.keyCompromise));
            b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(SERIAL.incrementAndGet())));
            b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root.certificate()));
            return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(root.key())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    X509CRL crl(Instant thisUpdate) {
        return crl(thisUpdate, Map.of());
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }
}
