package dev.signet.signing.pades;

import dev.signet.hsm.SignatureAlgorithm;
import dev.signet.hsm.SignedObject;
import dev.signet.signing.SigningIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * Builds the CAdES-detached CMS of a PAdES baseline signature (ETSI EN 319 142-1 5.3/6.3) from the
 * document's digest: one SignerInfo whose signed attributes are exactly content-type,
 * message-digest and signing-certificate-v2 (no signing-time: the time is the PDF's /M, or the
 * time-stamp's). Only the digest of the signed attributes crosses the key boundary (pure Ed25519,
 * which has no digest form, signs the few hundred bytes of attributes themselves).
 */
public final class CadesSignature {

    private CadesSignature() {
    }

    /** The digest a document is hashed with for this identity's signature scheme. */
    public static String documentDigest(SignatureAlgorithm algorithm) {
        return algorithm.digestAlgorithm() != null ? algorithm.digestAlgorithm() : "SHA-512"; // RFC 8419 for Ed25519
    }

    /**
     * @param contentDigest the digest of the signed content, with {@link #documentDigest}
     * @param timestamps    when not null, a signature-time-stamp is added as an unsigned attribute (B-T)
     * @return the DER-encoded ContentInfo (SignedData)
     */
    public static byte[] sign(SigningIdentity identity, SignatureAlgorithm algorithm, byte[] contentDigest,
                              Timestamps timestamps) {
        return sign(identity, algorithm, contentDigest, timestamps, null);
    }

    /**
     * As above, with a signing-time signed attribute when {@code signingTime} is not null: the CAdES
     * baseline (EN 319 122-1, detached signatures) requires it, where PAdES forbids it (the time is /M).
     */
    public static byte[] sign(SigningIdentity identity, SignatureAlgorithm algorithm, byte[] contentDigest,
                              Timestamps timestamps, java.time.Instant signingTime) {
        String digestName = documentDigest(algorithm);
        AlgorithmIdentifier digestId = new DefaultDigestAlgorithmIdentifierFinder().find(digestName);
        X509Certificate cert = identity.certificate();
        try {
            Certificate signerCert = Certificate.getInstance(cert.getEncoded());
            ASN1EncodableVector attrs = new ASN1EncodableVector();
            attrs.add(new Attribute(CMSAttributes.contentType, new DERSet(PKCSObjectIdentifiers.data)));
            if (signingTime != null) {
                attrs.add(new Attribute(CMSAttributes.signingTime,
                        new DERSet(new org.bouncycastle.asn1.cms.Time(java.util.Date.from(signingTime)))));
            }
            attrs.add(new Attribute(CMSAttributes.messageDigest, new DERSet(new DEROctetString(contentDigest))));
            attrs.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                    new DERSet(signingCertificateV2(signerCert))));
            ASN1Set signedAttributes = new DERSet(attrs);
            byte[] toSign = signedAttributes.getEncoded(ASN1Encoding.DER);

            byte[] signature = algorithm.digestAlgorithm() == null
                    ? identity.signer().sign(SignedObject.DOCUMENT_SIGNATURE, algorithm, toSign)
                    : identity.signer().signDigest(SignedObject.DOCUMENT_SIGNATURE, algorithm,
                            digest(algorithm.digestAlgorithm(), toSign));

            ASN1Set unsigned = null;
            if (timestamps != null) {
                byte[] token = timestamps.fetch("SHA-256", digest("SHA-256", signature));
                unsigned = new DERSet(new Attribute(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken,
                        new DERSet(ASN1Primitive.fromByteArray(token))));
            }
            SignerInfo signerInfo = new SignerInfo(
                    new SignerIdentifier(new IssuerAndSerialNumber(signerCert.getIssuer(), cert.getSerialNumber())),
                    digestId, signedAttributes, signatureAlgorithm(algorithm), new DEROctetString(signature), unsigned);

            ASN1EncodableVector certs = new ASN1EncodableVector();
            for (X509Certificate c : identity.chain()) {
                certs.add(Certificate.getInstance(c.getEncoded()));
            }
            SignedData signedData = new SignedData(new DERSet(digestId),
                    new ContentInfo(PKCSObjectIdentifiers.data, null), new DERSet(certs), null, new DERSet(signerInfo));
            return new ContentInfo(PKCSObjectIdentifiers.signedData, signedData).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("identity " + identity.id() + " has an unreadable certificate", e);
        }
    }

    /**
     * CAdES-B-LT (ETSI EN 319 122-1 5.5.2, the CAdES baseline's long-term level): {@code cms} with the
     * validation data in the SignedData itself, certificates beside the chain and revocation data in
     * its {@code crls} field (CRLs as they are, OCSP responses as {@code id-ri-ocsp-response} other
     * revocation info, RFC 5940). Neither field is signed, so the signature is unchanged.
     */
    public static byte[] withValidationData(byte[] cms, ValidationData data) {
        try {
            SignedData sd = SignedData.getInstance(ContentInfo.getInstance(ASN1Primitive.fromByteArray(cms)).getContent());
            ASN1EncodableVector certs = new ASN1EncodableVector();
            java.util.Set<String> seen = new java.util.HashSet<>();
            if (sd.getCertificates() != null) {
                for (ASN1Encodable c : sd.getCertificates()) {
                    if (seen.add(java.util.HexFormat.of().formatHex(c.toASN1Primitive().getEncoded(ASN1Encoding.DER)))) {
                        certs.add(c);
                    }
                }
            }
            for (byte[] c : data.certificates()) {
                if (seen.add(java.util.HexFormat.of().formatHex(c))) {
                    certs.add(Certificate.getInstance(c));
                }
            }
            ASN1EncodableVector revocation = new ASN1EncodableVector();
            for (byte[] crl : data.crls()) {
                revocation.add(org.bouncycastle.asn1.x509.CertificateList.getInstance(crl));
            }
            for (byte[] ocsp : data.ocspResponses()) {
                revocation.add(new org.bouncycastle.asn1.DERTaggedObject(false, 1, new org.bouncycastle.asn1.cms.OtherRevocationInfoFormat(
                        org.bouncycastle.asn1.cms.CMSObjectIdentifiers.id_ri_ocsp_response,
                        org.bouncycastle.asn1.ocsp.OCSPResponse.getInstance(ocsp))));
            }
            SignedData lt = new SignedData(sd.getDigestAlgorithms(), sd.getEncapContentInfo(), new DERSet(certs),
                    new DERSet(revocation), sd.getSignerInfos());
            return new ContentInfo(PKCSObjectIdentifiers.signedData, lt).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ASN1Encodable signingCertificateV2(Certificate cert) throws IOException {
        // SHA-256 is ESSCertIDv2's default, so the hash algorithm is left out of the encoding.
        AlgorithmIdentifier sha256 = new DefaultDigestAlgorithmIdentifierFinder().find("SHA-256");
        IssuerSerial issuerSerial = new IssuerSerial(new GeneralNames(new GeneralName(X500Name.getInstance(
                cert.getIssuer()))), cert.getSerialNumber().getValue());
        return new SigningCertificateV2(new ESSCertIDv2[] {
                new ESSCertIDv2(sha256, digest("SHA-256", cert.getEncoded(ASN1Encoding.DER)), issuerSerial)});
    }

    private static AlgorithmIdentifier signatureAlgorithm(SignatureAlgorithm algorithm) {
        return new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm.jcaName());
    }

    static byte[] digest(String name, byte[] data) {
        try {
            return MessageDigest.getInstance(name).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " missing from the JDK", e);
        }
    }
}
