package dev.signet.ca.lint;

import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Builds TBSCertificates field by field, including ones no library would build (repeated
 * extensions, negative serials, wrong time types), so each lint rule can be shown to fire.
 */
final class TbsBuilder {

    static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    int version = 2;
    BigInteger serial = new BigInteger("7f112233445566778899aabbccddeeff", 16);
    AlgorithmIdentifier signature = ECDSA_SHA256;
    X500Name issuer;
    ASN1Primitive notBefore;
    ASN1Primitive notAfter;
    X500Name subject;
    SubjectPublicKeyInfo publicKey;
    DERBitString issuerUniqueId;
    DERBitString subjectUniqueId;
    final List<Extension> extensions = new ArrayList<>();

    static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Time time(Instant t) {
        return new Time(Date.from(t.truncatedTo(ChronoUnit.SECONDS)));
    }

    TbsBuilder validity(Instant from, Duration length) {
        notBefore = time(from).toASN1Primitive();
        notAfter = time(from.plus(length)).toASN1Primitive();
        return this;
    }

    TbsBuilder add(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        try {
            extensions.add(new Extension(oid, critical, new DEROctetString(value.toASN1Primitive().getEncoded(ASN1Encoding.DER))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    TbsBuilder remove(ASN1ObjectIdentifier oid) {
        extensions.removeIf(e -> e.getExtnId().equals(oid));
        return this;
    }

    TbsBuilder replace(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        int at = -1;
        for (int i = 0; i < extensions.size(); i++) {
            if (extensions.get(i).getExtnId().equals(oid)) {
                at = i;
            }
        }
        remove(oid);
        add(oid, critical, value);
        if (at >= 0) {
            extensions.add(at, extensions.remove(extensions.size() - 1));
        }
        return this;
    }

    static byte[] keyId(SubjectPublicKeyInfo spki) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(spki.getPublicKeyData().getBytes());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The usual CA or end-entity extensions for this subject key under an issuer with {@code issuerKeyId}. */
    TbsBuilder standardExtensions(boolean ca, Integer pathLen, byte[] issuerKeyId) {
        add(Extension.subjectKeyIdentifier, false, new DEROctetString(keyId(publicKey)));
        if (issuerKeyId != null) {
            add(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId));
        }
        if (ca) {
            add(Extension.basicConstraints, true, pathLen == null ? new BasicConstraints(true) : new BasicConstraints(pathLen));
            add(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            add(Extension.basicConstraints, true, new BasicConstraints(false));
            add(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        }
        return this;
    }

    byte[] der() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new DERTaggedObject(true, 0, new ASN1Integer(version)));
        v.add(new ASN1Integer(serial));
        v.add(signature);
        v.add(issuer);
        v.add(new DERSequence(new ASN1Encodable[] {notBefore, notAfter}));
        v.add(subject);
        v.add(publicKey);
        if (issuerUniqueId != null) {
            v.add(new DERTaggedObject(false, 1, issuerUniqueId));
        }
        if (subjectUniqueId != null) {
            v.add(new DERTaggedObject(false, 2, subjectUniqueId));
        }
        if (!extensions.isEmpty()) {
            v.add(new DERTaggedObject(true, 3, new DERSequence(extensions.toArray(new Extension[0]))));
        }
        try {
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs the TBS with a JCA ECDSA key, for the issuer certificates of the fixtures. */
    Certificate signWith(KeyPair issuerKey) {
        try {
            byte[] tbs = der();
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(issuerKey.getPrivate());
            s.update(tbs);
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(ASN1Primitive.fromByteArray(tbs));
            v.add(ECDSA_SHA256);
            v.add(new DERBitString(s.sign()));
            return Certificate.getInstance(new DERSequence(v));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
