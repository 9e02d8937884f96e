package dev.signet.ca.revoke;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * Finds the CA an OCSP CertID names, by its issuer name hash and issuer key hash (RFC 6960 4.1.1)
 * under SHA-1 or SHA-256. The same hashes are kept in the store ({@code ca_issuer_hash}).
 */
public final class IssuerIndex {

    /** The CertID hash algorithms accepted, with the names the store uses. */
    public static final Map<ASN1ObjectIdentifier, String> ALGORITHMS = Map.of(
            OIWObjectIdentifiers.idSHA1, "SHA-1", NISTObjectIdentifiers.id_sha256, "SHA-256");

    /** The hashes of one CA under one algorithm. */
    public record Hashes(String algorithm, byte[] nameHash, byte[] keyHash) {
        public String nameHex() {
            return HexFormat.of().formatHex(nameHash);
        }

        public String keyHex() {
            return HexFormat.of().formatHex(keyHash);
        }
    }

    private final Map<String, String> caByKey = new ConcurrentHashMap<>();
    private final Map<String, Hashes> sha1ByCa = new ConcurrentHashMap<>();

    /** The name and key hashes of a CA certificate under every accepted algorithm. */
    public static java.util.List<Hashes> hashesOf(Certificate ca) {
        java.util.List<Hashes> out = new java.util.ArrayList<>();
        for (String alg : ALGORITHMS.values()) {
            try {
                byte[] name = MessageDigest.getInstance(alg).digest(ca.getSubject().getEncoded(ASN1Encoding.DER));
                byte[] key = MessageDigest.getInstance(alg).digest(ca.getSubjectPublicKeyInfo().getPublicKeyData().getBytes());
                out.add(new Hashes(alg, name, key));
            } catch (NoSuchAlgorithmException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    public void put(String caId, Hashes h) {
        caByKey.put(key(h.algorithm(), h.nameHash(), h.keyHash()), caId);
        if ("SHA-1".equals(h.algorithm())) {
            sha1ByCa.put(caId, h);
        }
    }

    /** A CA's SHA-1 hashes (the CertID form every client understands), or null for a CA not indexed. */
    public Hashes sha1Of(String caId) {
        return sha1ByCa.get(caId);
    }

    /** The CA with these hashes, or null (also for an algorithm not accepted). */
    public String find(ASN1ObjectIdentifier algorithm, byte[] nameHash, byte[] keyHash) {
        String alg = ALGORITHMS.get(algorithm);
        return alg == null ? null : caByKey.get(key(alg, nameHash, keyHash));
    }

    private static String key(String alg, byte[] name, byte[] key) {
        HexFormat hex = HexFormat.of();
        return alg + ":" + hex.formatHex(name) + ":" + hex.formatHex(key);
    }
}
