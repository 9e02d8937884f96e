package dev.signet.hsm.software;

import dev.signet.hsm.HsmException;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyOperation;
import dev.signet.hsm.SignatureAlgorithm;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;

/**
 * One unsealed key held in memory by {@link SoftwareHsm}. Nothing outside this package sees it.
 *
 * <p>Initialised {@link Signature} objects are pooled per scheme: a JCA signature object resets to
 * "initialised for signing with this key" after each signature, so reusing one saves the provider
 * lookup and key set-up that would otherwise be paid on every call. Each object is used by one
 * thread at a time (taken from the pool, returned afterwards).
 */
final class SoftwareKey {

    private final KeyInfo info;
    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final SecretKeySpec secretKey;
    private final SecureRandom random;
    private final Map<SignatureAlgorithm, Queue<Signature>> messageSigners = new ConcurrentHashMap<>();
    private final Map<SignatureAlgorithm, Queue<Signature>> digestSigners = new ConcurrentHashMap<>();
    private volatile RSAPrivateCrtKeyParameters rsaForPss;

    private SoftwareKey(KeyInfo info, PublicKey publicKey, PrivateKey privateKey, SecretKeySpec secretKey, SecureRandom random) {
        this.info = info;
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.secretKey = secretKey;
        this.random = random;
    }

    /** Builds the in-memory key from an opened key file. The caller clears {@code material} afterwards. */
    static SoftwareKey load(KeyInfo info, byte[] publicKeyDer, byte[] material, SecureRandom random) {
        KeyAlgorithm algorithm = info.algorithm();
        if (algorithm.isSymmetric()) {
            if (material.length != algorithm.bits() / 8) {
                throw new HsmException.KeyIntegrity(info.label(), "the key material has the wrong length");
            }
            return new SoftwareKey(info, null, null, new SecretKeySpec(material, "AES"), random);
        }
        try {
            String jcaFamily = jcaKeyFamily(algorithm);
            PrivateKey priv = KeyFactory.getInstance(jcaFamily, SoftwareProviders.forKey(algorithm))
                    .generatePrivate(new PKCS8EncodedKeySpec(material));
            PublicKey pub = KeyFactory.getInstance(jcaFamily, jdkProviderFor(algorithm))
                    .generatePublic(new X509EncodedKeySpec(publicKeyDer));
            return new SoftwareKey(info, pub, priv, null, random);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new HsmException.KeyIntegrity(info.label(), "the key material cannot be decoded as " + algorithm);
        }
    }

    static String jcaKeyFamily(KeyAlgorithm algorithm) {
        return switch (algorithm.family()) {
            case RSA -> "RSA";
            case EC -> "EC";
            case EDDSA -> "Ed25519";
            case AES -> "AES";
        };
    }

    /** Public keys are handed out as JDK keys, usable without Bouncy Castle installed. */
    private static java.security.Provider jdkProviderFor(KeyAlgorithm algorithm) {
        return Security.getProvider(algorithm.family() == KeyAlgorithm.Family.RSA ? "SunRsaSign" : "SunEC");
    }

    KeyInfo info() {
        return info;
    }

    String label() {
        return info.label();
    }

    PublicKey publicKey() {
        if (publicKey == null) {
            throw new HsmException.AlgorithmMismatch("key '" + label() + "' is a secret key and has no public key");
        }
        return publicKey;
    }

    byte[] sign(SignatureAlgorithm algorithm, byte[] data) {
        checkSignature(algorithm);
        return signWithPool(messageSigners, algorithm, data, false);
    }

    byte[] signDigest(SignatureAlgorithm algorithm, byte[] digest) {
        checkSignature(algorithm);
        if (algorithm.digestAlgorithm() == null) {
            throw new HsmException.Unsupported(algorithm + " signs the whole message and has no digest form");
        }
        int expected = digestLength(algorithm);
        if (digest.length != expected) {
            throw new IllegalArgumentException("a " + algorithm.digestAlgorithm() + " digest has " + expected
                    + " bytes, not " + digest.length);
        }
        try {
            return switch (algorithm.keyFamily()) {
                case RSA -> algorithm.isPss() ? pssOverDigest(algorithm, digest) : pkcs1OverDigest(algorithm, digest);
                case EC -> signWithPool(digestSigners, algorithm, digest, true);
                default -> throw new HsmException.Unsupported(algorithm + " has no digest form");
            };
        } catch (GeneralSecurityException | CryptoException | IOException e) {
            throw new HsmException.BackendFailure("signing a digest with key '" + label() + "' failed", e);
        }
    }

    byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        checkSecret(KeyOperation.ENCRYPT);
        return AesGcm.seal(secretKey, random, plaintext, associatedData);
    }

    byte[] decrypt(byte[] sealed, byte[] associatedData) {
        checkSecret(KeyOperation.DECRYPT);
        try {
            return AesGcm.open(secretKey, sealed, associatedData);
        } catch (AEADBadTagException e) {
            throw new HsmException.DecryptionFailed(label());
        }
    }

    private void checkSignature(SignatureAlgorithm algorithm) {
        if (!algorithm.fits(info.algorithm())) {
            throw new HsmException.AlgorithmMismatch(algorithm + " does not fit key '" + label() + "' (" + info.algorithm() + ")");
        }
        checkPolicy(KeyOperation.SIGN);
    }

    private void checkSecret(KeyOperation op) {
        if (secretKey == null) {
            throw new HsmException.AlgorithmMismatch("AES-GCM does not fit key '" + label() + "' (" + info.algorithm() + ")");
        }
        checkPolicy(op);
    }

    private void checkPolicy(KeyOperation op) {
        if (!info.policy().allows(op)) {
            throw new HsmException.OperationNotPermitted(label(), op);
        }
    }

    private byte[] signWithPool(Map<SignatureAlgorithm, Queue<Signature>> pools, SignatureAlgorithm algorithm,
            byte[] input, boolean overDigest) {
        Queue<Signature> pool = pools.computeIfAbsent(algorithm, a -> new ConcurrentLinkedQueue<>());
        Signature s = pool.poll();
        try {
            if (s == null) {
                s = overDigest ? newDigestSigner(algorithm) : newMessageSigner(algorithm);
            }
            s.update(input);
            byte[] sig = s.sign();
            pool.offer(s);
            return sig;
        } catch (GeneralSecurityException e) {
            // The object may be in an undefined state after a failure: drop it rather than pool it.
            throw new HsmException.BackendFailure("signing with key '" + label() + "' failed", e);
        }
    }

    private Signature newMessageSigner(SignatureAlgorithm algorithm) throws GeneralSecurityException {
        Signature s;
        if (algorithm.isPss()) {
            s = Signature.getInstance("RSASSA-PSS", SoftwareProviders.forKey(info.algorithm()));
            s.setParameter(pssParameters(algorithm));
        } else {
            s = Signature.getInstance(algorithm.jcaName(), SoftwareProviders.forKey(info.algorithm()));
        }
        s.initSign(privateKey);
        return s;
    }

    private Signature newDigestSigner(SignatureAlgorithm algorithm) throws GeneralSecurityException {
        // Bouncy Castle's NONEwithECDSA takes the digest as the message and encodes the result in DER.
        Signature s = Signature.getInstance("NONEwithECDSA", SoftwareProviders.forKey(info.algorithm()));
        s.initSign(privateKey);
        return s;
    }

    /** PKCS#1 v1.5 over a digest: DER DigestInfo, then the RSA private-key operation with type-1 padding. */
    private byte[] pkcs1OverDigest(SignatureAlgorithm algorithm, byte[] digest) throws GeneralSecurityException, IOException {
        byte[] digestInfo = new DigestInfo(new AlgorithmIdentifier(digestOid(algorithm), DERNull.INSTANCE), digest)
                .getEncoded(ASN1Encoding.DER);
        // SunJCE pads with block type 1 (the signature padding) when encrypting with a private key.
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding", "SunJCE");
        rsa.init(Cipher.ENCRYPT_MODE, privateKey);
        return rsa.doFinal(digestInfo);
    }

    /** RSASSA-PSS over a digest (MGF1 with the same hash, salt as long as the hash), via Bouncy Castle's raw PSS signer. */
    private byte[] pssOverDigest(SignatureAlgorithm algorithm, byte[] digest) throws CryptoException {
        PSSSigner signer = PSSSigner.createRawSigner(new RSABlindedEngine(), bcDigest(algorithm), bcDigest(algorithm),
                digest.length, PSSSigner.TRAILER_IMPLICIT);
        signer.init(true, new ParametersWithRandom(rsaParameters(), random));
        signer.update(digest, 0, digest.length);
        return signer.generateSignature();
    }

    private RSAPrivateCrtKeyParameters rsaParameters() {
        RSAPrivateCrtKeyParameters p = rsaForPss;
        if (p == null) {
            RSAPrivateCrtKey k = (RSAPrivateCrtKey) privateKey;
            p = new RSAPrivateCrtKeyParameters(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                    k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient());
            rsaForPss = p;
        }
        return p;
    }

    static PSSParameterSpec pssParameters(SignatureAlgorithm algorithm) {
        String digest = algorithm.digestAlgorithm();
        return new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), digestLength(algorithm),
                PSSParameterSpec.TRAILER_FIELD_BC);
    }

    static int digestLength(SignatureAlgorithm algorithm) {
        return switch (algorithm.digestAlgorithm()) {
            case "SHA-256" -> 32;
            case "SHA-384" -> 48;
            case "SHA-512" -> 64;
            default -> throw new HsmException.Unsupported("digest " + algorithm.digestAlgorithm());
        };
    }

    private static ASN1ObjectIdentifier digestOid(SignatureAlgorithm algorithm) {
        return switch (algorithm.digestAlgorithm()) {
            case "SHA-256" -> NISTObjectIdentifiers.id_sha256;
            case "SHA-384" -> NISTObjectIdentifiers.id_sha384;
            case "SHA-512" -> NISTObjectIdentifiers.id_sha512;
            default -> throw new HsmException.Unsupported("digest " + algorithm.digestAlgorithm());
        };
    }

    private static Digest bcDigest(SignatureAlgorithm algorithm) {
        return switch (algorithm.digestAlgorithm()) {
            case "SHA-256" -> new SHA256Digest();
            case "SHA-384" -> new SHA384Digest();
            case "SHA-512" -> new SHA512Digest();
            default -> throw new HsmException.Unsupported("digest " + algorithm.digestAlgorithm());
        };
    }

    @Override
    public String toString() {
        return "SoftwareKey[" + label() + ", " + info.algorithm() + "]";
    }
}
