package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import dev.signet.ca.profile.Cidr;
import dev.signet.ca.profile.KeyUsageBit;
import dev.signet.ca.profile.NameConstraintRules;
import dev.signet.ca.profile.PolicyRule;
import dev.signet.ca.profile.Profile;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
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
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.PolicyQualifierInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** The extensions of a certificate, all decided by the profile and the issuer, none copied from a request. */
final class CertificateExtensions {

    private CertificateExtensions() {
    }

    /**
     * @param issuerKeyId the issuer's subject key identifier, or null for a self-signed certificate
     * @param issuerUrls where the issuer publishes its CRL, certificate and OCSP; null for none
     */
    static Extensions build(CheckedRequest req, byte[] issuerKeyId, CaUrls issuerUrls) {
        Profile p = req.profile();
        List<Extension> out = new ArrayList<>();
        add(out, Extension.subjectKeyIdentifier, false, new DEROctetString(keyId(req.publicKey())));
        if (issuerKeyId != null) {
            add(out, Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId));
        }
        if (p.ca()) {
            add(out, Extension.basicConstraints, true,
                    p.pathLen() == null ? new BasicConstraints(true) : new BasicConstraints(p.pathLen()));
        } else {
            add(out, Extension.basicConstraints, true, new BasicConstraints(false));
        }
        add(out, Extension.keyUsage, true, new KeyUsage(keyUsage(p, req.publicKey())));
        if (!p.extendedKeyUsage().isEmpty()) {
            add(out, Extension.extendedKeyUsage, p.extendedKeyUsageCritical(),
                    new ExtendedKeyUsage(p.extendedKeyUsage().toArray(new KeyPurposeId[0])));
        }
        if (!req.sans().isEmpty()) {
            // RFC 5280 4.2.1.6: critical exactly when the subject is empty.
            add(out, Extension.subjectAlternativeName, req.subject().getRDNs().length == 0,
                    new GeneralNames(req.sans().toArray(new GeneralName[0])));
        }
        if (p.nameConstraints() != null) {
            add(out, Extension.nameConstraints, true, nameConstraints(p.nameConstraints()));
        }
        if (!p.certificatePolicies().isEmpty()) {
            add(out, Extension.certificatePolicies, false, policies(p.certificatePolicies()));
        }
        if (issuerUrls != null) {
            add(out, Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(uri(issuerUrls.crl()))), null, null)}));
            add(out, Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
                new AccessDescription(AccessDescription.id_ad_ocsp, uri(issuerUrls.ocsp())),
                new AccessDescription(AccessDescription.id_ad_caIssuers, uri(issuerUrls.caIssuers()))}));
        }
        if (p.ocspNoCheck()) {
            add(out, OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
        }
        return new Extensions(out.toArray(new Extension[0]));
    }

    /** RFC 5280 4.2.1.2 method (1): SHA-1 over the subjectPublicKey bits. */
    static byte[] keyId(SubjectPublicKeyInfo spki) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(spki.getPublicKeyData().getBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    /** The profile's bits, less those the key cannot honour (encipherment with EC or Ed25519 keys). */
    private static int keyUsage(Profile p, SubjectPublicKeyInfo key) {
        boolean rsa = key.getAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption);
        boolean ed = key.getAlgorithm().getAlgorithm().equals(EdECObjectIdentifiers.id_Ed25519);
        int bits = 0;
        for (KeyUsageBit b : p.keyUsage()) {
            if (b.needsEncryptionKey() && !rsa) {
                continue;
            }
            if ((b == KeyUsageBit.KEY_AGREEMENT) && (rsa || ed)) {
                continue;
            }
            bits |= b.mask();
        }
        if (bits == 0) {
            throw CaException.refused("key-usage-empty", "none of profile '" + p.name() + "''s key usages fits this key type");
        }
        return bits;
    }

    private static NameConstraints nameConstraints(NameConstraintRules r) {
        List<GeneralSubtree> permitted = new ArrayList<>();
        List<GeneralSubtree> excluded = new ArrayList<>();
        r.permittedDns().forEach(d -> permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, d))));
        r.excludedDns().forEach(d -> excluded.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, d))));
        r.permittedIp().forEach(c -> permitted.add(ipSubtree(c)));
        r.excludedIp().forEach(c -> excluded.add(ipSubtree(c)));
        r.permittedEmail().forEach(m -> permitted.add(new GeneralSubtree(new GeneralName(GeneralName.rfc822Name, m))));
        r.excludedEmail().forEach(m -> excluded.add(new GeneralSubtree(new GeneralName(GeneralName.rfc822Name, m))));
        return new NameConstraints(
                permitted.isEmpty() ? null : permitted.toArray(new GeneralSubtree[0]),
                excluded.isEmpty() ? null : excluded.toArray(new GeneralSubtree[0]));
    }

    private static GeneralSubtree ipSubtree(String cidr) {
        return new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(Cidr.parse(cidr).encoded())));
    }

    private static CertificatePolicies policies(List<PolicyRule> rules) {
        List<PolicyInformation> out = new ArrayList<>();
        for (PolicyRule r : rules) {
            ASN1ObjectIdentifier oid = new ASN1ObjectIdentifier(r.oid());
            if (r.cpsUri() == null) {
                out.add(new PolicyInformation(oid));
            } else {
                out.add(new PolicyInformation(oid, new org.bouncycastle.asn1.DERSequence(new PolicyQualifierInfo(r.cpsUri()))));
            }
        }
        return new CertificatePolicies(out.toArray(new PolicyInformation[0]));
    }

    private static GeneralName uri(String u) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, u);
    }

    private static void add(List<Extension> out, ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        try {
            out.add(new Extension(oid, critical, value.toASN1Primitive().getEncoded("DER")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode extension " + oid, e);
        }
    }
}
