package dev.signet.web.ui;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * A certificate decoded for people: the fields and each extension's values as text. Parsed with
 * the JDK's certificate factory; extensions decoded with Bouncy Castle's ASN.1 classes.
 */
public record CertificateDetails(String subject, String issuer, String serialHex, String serialDecimal,
                                 String notBefore, String notAfter, String signatureAlgorithm, String publicKey,
                                 String sha256Fingerprint, List<ExtensionView> extensions) {

    /** One extension: its name (or OID), whether it is critical, and its decoded values. */
    public record ExtensionView(String name, String oid, boolean critical, List<String> values) {}

    private static final Map<ASN1ObjectIdentifier, String> NAMES = Map.ofEntries(
            Map.entry(Extension.basicConstraints, "Basic constraints"),
            Map.entry(Extension.keyUsage, "Key usage"),
            Map.entry(Extension.extendedKeyUsage, "Extended key usage"),
            Map.entry(Extension.subjectAlternativeName, "Subject alternative names"),
            Map.entry(Extension.subjectKeyIdentifier, "Subject key identifier"),
            Map.entry(Extension.authorityKeyIdentifier, "Authority key identifier"),
            Map.entry(Extension.cRLDistributionPoints, "CRL distribution points"),
            Map.entry(Extension.authorityInfoAccess, "Authority information access"),
            Map.entry(Extension.certificatePolicies, "Certificate policies"),
            Map.entry(Extension.nameConstraints, "Name constraints"),
            Map.entry(new ASN1ObjectIdentifier("1.3.6.1.5.5.7.48.1.5"), "OCSP no check"));

    private static final Map<KeyPurposeId, String> PURPOSES = Map.of(
            KeyPurposeId.id_kp_serverAuth, "serverAuth",
            KeyPurposeId.id_kp_clientAuth, "clientAuth",
            KeyPurposeId.id_kp_codeSigning, "codeSigning",
            KeyPurposeId.id_kp_emailProtection, "emailProtection",
            KeyPurposeId.id_kp_timeStamping, "timeStamping",
            KeyPurposeId.id_kp_OCSPSigning, "OCSPSigning");

    private static final String[] KEY_USAGE_BITS = {"digitalSignature", "nonRepudiation", "keyEncipherment",
            "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};

    /** Decodes the first certificate of a PEM text. */
    public static CertificateDetails of(String pem) {
        X509Certificate cert = parse(pem);
        Certificate bc = Certificate.getInstance(encoded(cert));
        List<ExtensionView> extensions = new ArrayList<>();
        if (bc.getTBSCertificate().getExtensions() != null) {
            for (ASN1ObjectIdentifier oid : bc.getTBSCertificate().getExtensions().getExtensionOIDs()) {
                Extension e = bc.getTBSCertificate().getExtensions().getExtension(oid);
                extensions.add(new ExtensionView(NAMES.getOrDefault(oid, oid.getId()), oid.getId(), e.isCritical(), values(e)));
            }
        }
        BigInteger serial = cert.getSerialNumber();
        return new CertificateDetails(
                dn(cert.getSubjectX500Principal()),
                dn(cert.getIssuerX500Principal()),
                serial.toString(16), serial.toString(),
                Format.seconds(cert.getNotBefore().toInstant()), Format.seconds(cert.getNotAfter().toInstant()),
                cert.getSigAlgName(), publicKey(cert, bc.getSubjectPublicKeyInfo()),
                fingerprint(encoded(cert)), extensions);
    }

    /** A name in encoding order (CN=...,O=...), as the rest of Signet writes subjects. */
    private static String dn(X500Principal p) {
        return X500Name.getInstance(p.getEncoded()).toString();
    }

    static X509Certificate parse(String pem) {
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            return (X509Certificate) f.generateCertificate(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException("a stored certificate does not parse", e);
        }
    }

    static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String publicKey(X509Certificate cert, SubjectPublicKeyInfo spki) {
        String alg = cert.getPublicKey().getAlgorithm();
        if (cert.getPublicKey() instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength() + " bits";
        }
        ASN1Encodable params = spki.getAlgorithm().getParameters();
        if ("EC".equals(alg) && params instanceof ASN1ObjectIdentifier curve) {
            String name = ECNamedCurveTable.getName(curve);
            return "EC " + (name == null ? curve.getId() : name);
        }
        return alg;
    }

    private static String fingerprint(byte[] der) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(der);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> values(Extension e) {
        ASN1ObjectIdentifier oid = e.getExtnId();
        try {
            if (oid.equals(Extension.basicConstraints)) {
                BasicConstraints bc = BasicConstraints.getInstance(e.getParsedValue());
                if (!bc.isCA()) {
                    return List.of("not a CA");
                }
                return List.of(bc.getPathLenConstraint() == null ? "CA, no path length limit"
                        : "CA, path length " + bc.getPathLenConstraint());
            }
            if (oid.equals(Extension.keyUsage)) {
                KeyUsage ku = KeyUsage.getInstance(e.getParsedValue());
                List<String> out = new ArrayList<>();
                int[] bits = {KeyUsage.digitalSignature, KeyUsage.nonRepudiation, KeyUsage.keyEncipherment,
                        KeyUsage.dataEncipherment, KeyUsage.keyAgreement, KeyUsage.keyCertSign, KeyUsage.cRLSign,
                        KeyUsage.encipherOnly, KeyUsage.decipherOnly};
                for (int i = 0; i < bits.length; i++) {
                    if (ku.hasUsages(bits[i])) {
                        out.add(KEY_USAGE_BITS[i]);
                    }
                }
                return out;
            }
            if (oid.equals(Extension.extendedKeyUsage)) {
                List<String> out = new ArrayList<>();
                for (KeyPurposeId p : ExtendedKeyUsage.getInstance(e.getParsedValue()).getUsages()) {
                    out.add(PURPOSES.getOrDefault(p, p.getId()));
                }
                return out;
            }
            if (oid.equals(Extension.subjectAlternativeName)) {
                return names(GeneralNames.getInstance(e.getParsedValue()));
            }
            if (oid.equals(Extension.subjectKeyIdentifier)) {
                return List.of(hex(SubjectKeyIdentifier.getInstance(e.getParsedValue()).getKeyIdentifier()));
            }
            if (oid.equals(Extension.authorityKeyIdentifier)) {
                byte[] id = AuthorityKeyIdentifier.getInstance(e.getParsedValue()).getKeyIdentifierOctets();
                return List.of(id == null ? "(no key identifier)" : hex(id));
            }
            if (oid.equals(Extension.cRLDistributionPoints)) {
                List<String> out = new ArrayList<>();
                for (DistributionPoint dp : CRLDistPoint.getInstance(e.getParsedValue()).getDistributionPoints()) {
                    DistributionPointName n = dp.getDistributionPoint();
                    if (n != null && n.getType() == DistributionPointName.FULL_NAME) {
                        out.addAll(names(GeneralNames.getInstance(n.getName())));
                    }
                }
                return out;
            }
            if (oid.equals(Extension.authorityInfoAccess)) {
                List<String> out = new ArrayList<>();
                for (AccessDescription ad : AuthorityInformationAccess.getInstance(e.getParsedValue()).getAccessDescriptions()) {
                    String method = ad.getAccessMethod().equals(AccessDescription.id_ad_ocsp) ? "OCSP"
                            : ad.getAccessMethod().equals(AccessDescription.id_ad_caIssuers) ? "CA issuers" : ad.getAccessMethod().getId();
                    out.add(method + ": " + name(ad.getAccessLocation()));
                }
                return out;
            }
            if (oid.equals(Extension.certificatePolicies)) {
                List<String> out = new ArrayList<>();
                for (PolicyInformation p : CertificatePolicies.getInstance(e.getParsedValue()).getPolicyInformation()) {
                    out.add(p.getPolicyIdentifier().getId());
                }
                return out;
            }
        } catch (IllegalArgumentException | IllegalStateException ex) {
            return List.of("(could not be decoded)");
        }
        return List.of(e.getExtnValue().getOctets().length + " bytes (not decoded here)");
    }

    private static List<String> names(GeneralNames names) {
        List<String> out = new ArrayList<>();
        for (GeneralName n : names.getNames()) {
            out.add(name(n));
        }
        return out;
    }

    private static String name(GeneralName n) {
        return switch (n.getTagNo()) {
            case GeneralName.dNSName -> "DNS: " + n.getName();
            case GeneralName.uniformResourceIdentifier -> "URI: " + n.getName();
            case GeneralName.rfc822Name -> "Email: " + n.getName();
            case GeneralName.iPAddress -> "IP: " + ip(org.bouncycastle.asn1.ASN1OctetString.getInstance(n.getName()).getOctets());
            case GeneralName.directoryName -> "DirName: " + n.getName();
            default -> "Other name (tag " + n.getTagNo() + ")";
        };
    }

    private static String ip(byte[] b) {
        try {
            return java.net.InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return hex(b);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(b);
    }
}
