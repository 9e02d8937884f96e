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
        String digestName = documentDigest(algorithm);
        AlgorithmIdentifier digestId = new DefaultDigestAlgorithmIdentifierFinder().find(digestName);
        X509Certificate cert = identity.certificate();
        try {
            Certificate signerCert = Certificate.getInstance(cert.getEncoded());
            ASN1EncodableVector attrs = new ASN1EncodableVector();
            attrs.add(new Attribute(CMSAttributes.contentType, new DERSet(PKCSObjectIdentifiers.data)));
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
