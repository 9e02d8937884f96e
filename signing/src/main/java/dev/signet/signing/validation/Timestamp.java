package dev.signet.signing.validation;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.util.Store;

/**
 * An RFC 3161 timestamp token (a signature timestamp or a document timestamp): its message imprint
 * checked against what it claims to cover, its signature against the TSA certificate.
 */
final class Timestamp {
    final TimeStampToken token;
    final List<X509Certificate> certificates = new ArrayList<>();
    final X509Certificate tsaCertificate; // null when the token does not carry it
    final String imprintDigest;

    private Timestamp(TimeStampToken token) throws IOException {
        this.token = token;
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        X509Certificate found = null;
        @SuppressWarnings("unchecked")
        Store<X509CertificateHolder> store = token.getCertificates();
        for (X509CertificateHolder h : store.getMatches(null)) {
            try {
                X509Certificate c = conv.getCertificate(h);
                certificates.add(c);
                if (found == null && token.getSID().match(h)) found = c;
            } catch (Exception e) {
                throw new IOException("a certificate in the timestamp does not parse");
            }
        }
        this.tsaCertificate = found;
        this.imprintDigest = Algorithms.digestName(token.getTimeStampInfo().getMessageImprintAlgOID());
    }

    static Timestamp parse(byte[] der) throws IOException {
        try {
            org.bouncycastle.asn1.ASN1Primitive first;
            try (org.bouncycastle.asn1.ASN1InputStream in = new org.bouncycastle.asn1.ASN1InputStream(der, true)) {
                first = in.readObject();
            }
            if (first == null) throw new IOException("the timestamp token is empty");
            return new Timestamp(new TimeStampToken(new CMSSignedData(org.bouncycastle.asn1.cms.ContentInfo.getInstance(first))));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the timestamp token does not parse: " + e.getMessage());
        }
    }

    Date genTime() {
        return token.getTimeStampInfo().getGenTime();
    }

    MessageDigest newImprintDigest() throws IOException {
        if (imprintDigest == null) throw new IOException("the timestamp uses an unknown digest");
        try {
            return MessageDigest.getInstance(imprintDigest);
        } catch (Exception e) {
            throw new IOException(e.getMessage());
        }
    }

    /** Null when the imprint equals {@code digest} and the TSA's signature holds; otherwise why not. */
    String verify(byte[] digest, X509Certificate tsa) {
        if (!MessageDigest.isEqual(digest, token.getTimeStampInfo().getMessageImprintDigest())) {
            return "HASH: the timestamp's message imprint does not match what it covers";
        }
        if (tsa == null) return "SIGNER: the timestamp does not carry its TSA certificate";
        try {
            // checks the signature, the ESS certificate reference and that the TSA certificate is for timestamping
            token.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider(CertificatePool.BC).build(tsa));
            return null;
        } catch (Exception e) {
            return "the timestamp's signature does not verify: " + e.getMessage();
        }
    }
}
