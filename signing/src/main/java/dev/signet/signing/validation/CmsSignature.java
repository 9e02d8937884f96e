package dev.signet.signing.validation;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.ess.ESSCertID;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificate;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.ocsp.BasicOCSPResponse;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPResponse;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.util.Store;

/**
 * One CMS SignedData from a signature's /Contents, parsed defensively: exactly one signer, detached
 * content, the signer's certificate found by its SignerIdentifier.
 */
final class CmsSignature {
    static final ASN1ObjectIdentifier SIGNATURE_TIMESTAMP = PKCSObjectIdentifiers.id_aa_signatureTimeStampToken;
    static final ASN1ObjectIdentifier ADBE_REVOCATION = new ASN1ObjectIdentifier("1.2.840.113583.1.1.8");

    final CMSSignedData signedData;
    final SignerInformation signer;
    final X509Certificate signerCertificate; // null when the CMS does not carry it
    final List<X509Certificate> certificates = new ArrayList<>();
    final String digestName;

    private CmsSignature(CMSSignedData sd) throws IOException {
        this.signedData = sd;
        Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
        if (signers.size() != 1) throw new IOException("the CMS has " + signers.size() + " signers, not one");
        this.signer = signers.iterator().next();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        X509Certificate found = null;
        @SuppressWarnings("unchecked")
        Store<X509CertificateHolder> store = sd.getCertificates();
        for (X509CertificateHolder h : store.getMatches(null)) {
            try {
                X509Certificate c = conv.getCertificate(h);
                certificates.add(c);
                if (found == null && signer.getSID().match(h)) found = c;
            } catch (Exception e) {
                throw new IOException("a certificate in the CMS does not parse");
            }
        }
        this.signerCertificate = found;
        this.digestName = Algorithms.digestName(signer.getDigestAlgOID() == null ? null : new ASN1ObjectIdentifier(signer.getDigestAlgOID()));
    }

    /** Parses /Contents (trailing zero padding allowed); IOException for anything that is not one detached signer. */
    static CmsSignature parse(byte[] contents) throws IOException {
        try {
            // /Contents is zero-padded: read the one DER object it starts with and ignore the padding
            ASN1Primitive first;
            try (ASN1InputStream in = new ASN1InputStream(contents, true)) {
                first = in.readObject();
            }
            if (first == null) throw new IOException("the CMS is empty");
            CMSSignedData sd = new CMSSignedData(ContentInfo.getInstance(first));
            if (sd.getSignedContent() != null && sd.getSignedContent().getContent() != null) {
                throw new IOException("the CMS encapsulates its content (not a detached signature)");
            }
            return new CmsSignature(sd);
        } catch (CMSException | RuntimeException e) {
            throw new IOException("the CMS does not parse: " + e.getMessage());
        }
    }

    AttributeTable signedAttributes() {
        return signer.getSignedAttributes();
    }

    /** The signed message-digest attribute, or null. */
    byte[] messageDigest() {
        AttributeTable t = signedAttributes();
        Attribute a = t == null ? null : t.get(CMSAttributes.messageDigest);
        if (a == null || a.getAttrValues().size() != 1) return null;
        return ASN1OctetString.getInstance(a.getAttrValues().getObjectAt(0)).getOctets();
    }

    /** The claimed signing time (CMS signing-time attribute), or null. */
    Date claimedSigningTime() {
        AttributeTable t = signedAttributes();
        Attribute a = t == null ? null : t.get(CMSAttributes.signingTime);
        if (a == null) return null;
        return Time.getInstance(a.getAttrValues().getObjectAt(0)).getDate();
    }

    /**
     * Verifies the signature over the signed attributes, given the digest of the signed bytes.
     * Null when it holds; otherwise why not.
     */
    String verify(byte[] contentDigest) {
        if (signedAttributes() == null) return "the CMS has no signed attributes";
        byte[] md = messageDigest();
        if (md == null) return "the CMS has no message-digest attribute";
        if (!MessageDigest.isEqual(md, contentDigest)) return "HASH: the digest of the signed bytes does not match the message-digest attribute";
        try {
            CMSSignedData withDigest = new CMSSignedData(Map.of(new ASN1ObjectIdentifier(signer.getDigestAlgOID()), contentDigest),
                    signedData.getEncoded());
            SignerInformation s = withDigest.getSignerInfos().getSigners().iterator().next();
            boolean ok = s.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(CertificatePool.BC).build(signerCertificate));
            return ok ? null : "the signature value does not verify with the signer's key";
        } catch (Exception e) {
            return "the signature value does not verify with the signer's key (" + e.getMessage() + ")";
        }
    }

    /**
     * Checks signing-certificate-v2 (or v1) against the signer certificate: null when it is present
     * and matches, "absent" when there is none, otherwise why it does not match.
     */
    String signingCertificateReference() {
        AttributeTable t = signedAttributes();
        if (t == null) return "absent";
        try {
            Attribute v2 = t.get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
            if (v2 != null) {
                ESSCertIDv2 id = SigningCertificateV2.getInstance(v2.getAttrValues().getObjectAt(0)).getCerts()[0];
                String name = Algorithms.digestName(id.getHashAlgorithm().getAlgorithm());
                if (name == null) return "signing-certificate-v2 uses an unknown digest";
                byte[] hash = MessageDigest.getInstance(name).digest(signerCertificate.getEncoded());
                if (!Arrays.equals(hash, id.getCertHash())) return "signing-certificate-v2 does not match the signer certificate";
                return issuerSerialMatches(id.getIssuerSerial()) ? null : "signing-certificate-v2 issuer/serial does not match";
            }
            Attribute v1 = t.get(PKCSObjectIdentifiers.id_aa_signingCertificate);
            if (v1 != null) {
                ESSCertID id = SigningCertificate.getInstance(v1.getAttrValues().getObjectAt(0)).getCerts()[0];
                byte[] hash = MessageDigest.getInstance("SHA-1").digest(signerCertificate.getEncoded());
                if (!Arrays.equals(hash, id.getCertHash())) return "signing-certificate does not match the signer certificate";
                return issuerSerialMatches(id.getIssuerSerial()) ? null : "signing-certificate issuer/serial does not match";
            }
            return "absent";
        } catch (Exception e) {
            return "signing-certificate attribute does not parse";
        }
    }

    private boolean issuerSerialMatches(IssuerSerial is) {
        if (is == null) return true;
        return is.getSerial().getValue().equals(signerCertificate.getSerialNumber());
    }

    /** The signature-timestamp unsigned attributes' tokens, DER. */
    List<byte[]> signatureTimestamps() throws IOException {
        List<byte[]> out = new ArrayList<>();
        AttributeTable u = signer.getUnsignedAttributes();
        if (u == null) return out;
        var all = u.getAll(SIGNATURE_TIMESTAMP);
        for (int i = 0; i < all.size(); i++) {
            for (ASN1Encodable v : Attribute.getInstance(all.get(i)).getAttrValues()) out.add(v.toASN1Primitive().getEncoded());
        }
        return out;
    }

    /** CRLs and OCSP responses the CMS carries: SignedData.crls and Adobe's revocation-info-archival. */
    void collectRevocation(Revocation into) {
        JcaX509CRLConverter crlConv = new JcaX509CRLConverter();
        try {
            @SuppressWarnings("unchecked")
            Store<X509CRLHolder> crls = signedData.getCRLs();
            for (X509CRLHolder h : crls.getMatches(null)) into.addCrl(crlConv.getCRL(h), false);
            @SuppressWarnings("unchecked")
            Store<ASN1Encodable> other = signedData.getOtherRevocationInfo(OCSPObjectIdentifiers.id_pkix_ocsp_response);
            for (ASN1Encodable e : other.getMatches(null)) addOcspResponse(into, e, false);
        } catch (Exception ignored) {
            // unreadable revocation data is no revocation data
        }
        AttributeTable t = signedAttributes();
        Attribute adbe = t == null ? null : t.get(ADBE_REVOCATION);
        if (adbe == null) return;
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(adbe.getAttrValues().getObjectAt(0));
            for (ASN1Encodable el : seq) {
                ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(el);
                ASN1Sequence values = ASN1Sequence.getInstance(tagged.getBaseObject());
                for (ASN1Encodable v : values) {
                    if (tagged.getTagNo() == 0) {
                        X509CRL crl = crlConv.getCRL(new X509CRLHolder(CertificateList.getInstance(v)));
                        into.addCrl(crl, false);
                    } else if (tagged.getTagNo() == 1) {
                        addOcspResponse(into, v, false);
                    }
                }
            }
        } catch (Exception ignored) {
            // unreadable revocation data is no revocation data
        }
    }

    /** Accepts an OCSPResponse or a BasicOCSPResponse. */
    static void addOcspResponse(Revocation into, ASN1Encodable v, boolean fromDss) {
        try {
            OCSPResponse full = OCSPResponse.getInstance(v);
            if (full.getResponseBytes() == null) return;
            BasicOCSPResponse basic = BasicOCSPResponse.getInstance(full.getResponseBytes().getResponse().getOctets());
            into.addOcsp(new BasicOCSPResp(basic), fromDss);
        } catch (Exception notFull) {
            try {
                into.addOcsp(new BasicOCSPResp(BasicOCSPResponse.getInstance(v)), fromDss);
            } catch (Exception ignored) {
                // not an OCSP response
            }
        }
    }

    AlgorithmIdentifier digestAlgorithm() {
        return signer.getDigestAlgorithmID();
    }
}
