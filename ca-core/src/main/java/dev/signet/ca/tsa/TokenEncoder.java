package dev.signet.ca.tsa;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAlgorithmProtection;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Writes a time-stamp token (RFC 3161 2.4.2, CMS SignedData per RFC 5652) as DER directly. Everything
 * that is the same in every token of one TSA (its certificates, the ESSCertIDv2 of RFC 5816, the
 * signer's IssuerAndSerialNumber, the algorithm identifiers, the CMSAlgorithmProtection attribute)
 * is encoded once, here; per token only TSTInfo, the message digest attribute and the signature are
 * new bytes. Bouncy Castle's generator built, encoded and parsed back the whole structure (with the
 * certificates) for every token, which cost about as much CPU as the signature itself.
 *
 * <p>The token is what Bouncy Castle's {@code TimeStampTokenGenerator} makes (tests check it with
 * Bouncy Castle, OpenSSL and jarsigner), except that it carries no signingTime attribute: RFC 3161
 * and RFC 5816 do not ask for one, and genTime is the time a verifier uses.
 */
final class TokenEncoder {

    private static final ASN1ObjectIdentifier SIGNING_CERTIFICATE_V2 = PKCSObjectIdentifiers.id_aa_signingCertificateV2;

    private final DigestCalculatorProvider digests;
    private final AlgorithmIdentifier digestAlgorithm;
    private final byte[] policy;
    private final byte[] accuracy;
    private final byte[] tsaName;
    private final byte[] contentTypeAttribute;
    private final byte[] signingCertificateAttribute;
    private final byte[] protectionAttribute;
    private final byte[] digestAlgorithms;
    private final byte[] encapsulatedType;
    private final byte[] certificates;
    private final byte[] signerId;
    private final byte[] digestAlgorithmDer;
    private final byte[] signatureAlgorithmDer;

    /**
     * @param signatureAlgorithm what the TSA's content signers sign with
     * @param certificates the certificates to carry when the requester asks (certReq)
     * @param accuracyMillis the accuracy stated in every token; 0 for none
     */
    TokenEncoder(DigestCalculatorProvider digests, AlgorithmIdentifier signatureAlgorithm, ASN1ObjectIdentifier policy,
            X509CertificateHolder tsaCertificate, List<X509CertificateHolder> certificates, long accuracyMillis)
            throws OperatorCreationException, IOException {
        this.digests = digests;
        this.digestAlgorithm = new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithm);
        this.policy = policy.getEncoded(ASN1Encoding.DER);
        this.accuracy = accuracy(accuracyMillis);
        this.tsaName = new DERTaggedObject(true, 0, new GeneralName(tsaCertificate.getSubject())).getEncoded(ASN1Encoding.DER);
        this.contentTypeAttribute = new Attribute(CMSAttributes.contentType, new DERSet(PKCSObjectIdentifiers.id_ct_TSTInfo))
                .getEncoded(ASN1Encoding.DER);
        DigestCalculator certHash = digests.get(new AlgorithmIdentifier(new ASN1ObjectIdentifier("2.16.840.1.101.3.4.2.1")));
        try (OutputStream out = certHash.getOutputStream()) {
            out.write(tsaCertificate.getEncoded());
        }
        ESSCertIDv2 certId = new ESSCertIDv2(certHash.getDigest(), new IssuerSerial(
                new GeneralNames(new GeneralName(tsaCertificate.getIssuer())), tsaCertificate.getSerialNumber()));
        this.signingCertificateAttribute = new Attribute(SIGNING_CERTIFICATE_V2, new DERSet(new SigningCertificateV2(certId)))
                .getEncoded(ASN1Encoding.DER);
        this.protectionAttribute = new Attribute(CMSAttributes.cmsAlgorithmProtect,
                new DERSet(new CMSAlgorithmProtection(digestAlgorithm, CMSAlgorithmProtection.SIGNATURE, signatureAlgorithm)))
                .getEncoded(ASN1Encoding.DER);
        this.digestAlgorithmDer = digestAlgorithm.getEncoded(ASN1Encoding.DER);
        this.signatureAlgorithmDer = signatureAlgorithm.getEncoded(ASN1Encoding.DER);
        this.digestAlgorithms = tlv(0x31, digestAlgorithmDer);
        this.encapsulatedType = PKCSObjectIdentifiers.id_ct_TSTInfo.getEncoded(ASN1Encoding.DER);
        List<byte[]> certs = new ArrayList<>();
        for (X509CertificateHolder c : certificates) {
            certs.add(c.getEncoded());
        }
        this.certificates = certs.isEmpty() ? null : tlv(0xA0, sortedSet(certs)); // [0] IMPLICIT SET OF
        this.signerId = new IssuerAndSerialNumber(tsaCertificate.getIssuer(), tsaCertificate.getSerialNumber())
                .getEncoded(ASN1Encoding.DER);
    }

    /**
     * The token's DER: a ContentInfo holding SignedData over TSTInfo.
     *
     * @param messageImprint the request's MessageImprint, DER, copied as it came (RFC 3161 2.4.2)
     * @param nonce the request's nonce, or null
     * @param withCertificates whether the requester asked for the certificates (certReq)
     */
    byte[] encode(byte[] messageImprint, BigInteger serial, Instant genTime, BigInteger nonce, boolean withCertificates,
            ContentSigner signer) throws OperatorCreationException {
        byte[] tstInfo = tlv(0x30,
                new byte[] {0x02, 0x01, 0x01}, // version 1
                policy,
                messageImprint,
                integer(serial),
                generalizedTime(genTime),
                accuracy,
                // ordering FALSE is the DEFAULT, so DER leaves it out
                nonce == null ? null : integer(nonce),
                tsaName);
        byte[] eContentDigest = digest(tstInfo);
        byte[] messageDigestAttribute = tlv(0x30, der(CMSAttributes.messageDigest), tlv(0x31, tlv(0x04, eContentDigest)));
        byte[] attributes = sortedSet(List.of(contentTypeAttribute, messageDigestAttribute, signingCertificateAttribute,
                protectionAttribute));
        // Signed over as a SET (tag 31), carried as [0] IMPLICIT (tag A0): RFC 5652 5.4.
        try (OutputStream out = signer.getOutputStream()) {
            out.write(tlv(0x31, attributes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] signature = signer.getSignature();
        byte[] signerInfo = tlv(0x30,
                new byte[] {0x02, 0x01, 0x01}, // version 1: issuerAndSerialNumber
                signerId,
                digestAlgorithmDer,
                tlv(0xA0, attributes),
                signatureAlgorithmDer,
                tlv(0x04, signature));
        byte[] signedData = tlv(0x30,
                new byte[] {0x02, 0x01, 0x03}, // version 3: eContentType is not id-data
                digestAlgorithms,
                tlv(0x30, encapsulatedType, tlv(0xA0, tlv(0x04, tstInfo))),
                withCertificates ? certificates : null,
                tlv(0x31, signerInfo));
        return tlv(0x30, der(CMSObjectIdentifiers.signedData), tlv(0xA0, signedData));
    }

    private byte[] digest(byte[] data) throws OperatorCreationException {
        DigestCalculator d = digests.get(digestAlgorithm);
        try (OutputStream out = d.getOutputStream()) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d.getDigest();
    }

    /**
     * GeneralizedTime with milliseconds, DER: 'Z', no trailing zeros in the fraction, no '.' for none.
     * Written digit by digit: a formatter and String.format cost several microseconds per token.
     */
    static byte[] generalizedTime(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        if (d.getYear() < 0 || d.getYear() > 9999) {
            throw new IllegalArgumentException("a GeneralizedTime has a four-digit year: " + t);
        }
        byte[] out = new byte[2 + 14 + 4 + 1];
        out[0] = 0x18;
        int at = 2;
        at = digits(out, at, d.getYear(), 4);
        at = digits(out, at, d.getMonthValue(), 2);
        at = digits(out, at, d.getDayOfMonth(), 2);
        at = digits(out, at, d.getHour(), 2);
        at = digits(out, at, d.getMinute(), 2);
        at = digits(out, at, d.getSecond(), 2);
        int millis = t.getNano() / 1_000_000;
        if (millis != 0) {
            int width = 3;
            while (millis % 10 == 0) {
                millis /= 10;
                width--;
            }
            out[at++] = '.';
            at = digits(out, at, millis, width);
        }
        out[at++] = 'Z';
        out[1] = (byte) (at - 2);
        return Arrays.copyOf(out, at);
    }

    private static int digits(byte[] out, int at, int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            out[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER OPTIONAL, micros [1] ... }; null for none. */
    private static byte[] accuracy(long accuracyMillis) {
        if (accuracyMillis <= 0) {
            return null;
        }
        long seconds = accuracyMillis / 1000;
        long millis = accuracyMillis % 1000;
        byte[] millisField = null;
        if (millis > 0) {
            byte[] i = integer(BigInteger.valueOf(millis));
            i[0] = (byte) 0x80; // [0] IMPLICIT INTEGER
            millisField = i;
        }
        return tlv(0x30, seconds > 0 ? integer(BigInteger.valueOf(seconds)) : null, millisField);
    }

    private static byte[] integer(BigInteger v) {
        return tlv(0x02, v.toByteArray());
    }

    private static byte[] der(ASN1Encodable o) {
        try {
            return o.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The contents of a DER SET OF: the elements' encodings in ascending order (X.690 11.6). */
    private static byte[] sortedSet(List<byte[]> elements) {
        byte[][] sorted = elements.toArray(new byte[0][]);
        Arrays.sort(sorted, Arrays::compareUnsigned);
        return concat(sorted);
    }

    /** Tag, DER length and the concatenated parts (null parts are skipped: absent OPTIONAL fields). */
    static byte[] tlv(int tag, byte[]... parts) {
        byte[] content = concat(parts);
        int n = content.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 6);
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p == null ? 0 : p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            if (p != null) {
                System.arraycopy(p, 0, out, at, p.length);
                at += p.length;
            }
        }
        return out;
    }
}
