package dev.signet.ca.issue;

import dev.signet.ca.CaException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Checks a CSR's self-signature, the requester's proof that it holds the private key. Uses Bouncy
 * Castle's implementations (about five times the JDK's ECDSA verification rate), through a
 * provider instance passed explicitly rather than registered globally.
 *
 * <p>ECDSA with SHA-2, by far the most common CSR signature, is verified with BC's lightweight
 * {@link ECDSASigner} directly: through the JCA, which rebuilds the domain parameters (and with
 * them the generator's precomputed multiples) for every key, a P-256 verification measured about
 * twice the CPU. The checks are the same (strict DER signature, r and s in range, the point on the curve).
 */
public final class ProofOfPossession {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** ECDSA signature algorithms verified directly, with their digest. */
    private static final Map<ASN1ObjectIdentifier, String> ECDSA_DIGESTS = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA-256",
            X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA-384",
            X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA-512");

    private ProofOfPossession() {
    }

    /**
     * Signature algorithms a CSR may use: ECDSA, RSA PKCS#1 v1.5 and RSA-PSS with SHA-2, and Ed25519.
     * MD5 and SHA-1 are refused (collisions are practical; CA/Browser Forum BR 7.1.3.2).
     */
    private static final Set<ASN1ObjectIdentifier> ALLOWED = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption, PKCSObjectIdentifiers.id_RSASSA_PSS,
            EdECObjectIdentifiers.id_Ed25519);
    private static final Set<ASN1ObjectIdentifier> PSS_DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    public static void verify(PKCS10CertificationRequest csr) {
        checkAlgorithm(csr.getSignatureAlgorithm());
        boolean valid;
        try {
            String digest = ecdsaDigest(csr);
            valid = digest != null ? verifyEcdsa(csr, digest) : verifyJca(csr);
        } catch (OperatorCreationException | PKCSException | IOException | RuntimeException e) {
            throw CaException.badRequest("csr-signature-invalid",
                    "the CSR signature cannot be checked with its own key (algorithm mismatch or malformed key)");
        }
        if (!valid) {
            throw CaException.badRequest("csr-signature-invalid", "the CSR signature does not verify with its public key");
        }
    }

    private static void checkAlgorithm(AlgorithmIdentifier sig) {
        ASN1ObjectIdentifier oid = sig.getAlgorithm();
        boolean allowed = ALLOWED.contains(oid);
        if (allowed && oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            try {
                RSASSAPSSparams pss = RSASSAPSSparams.getInstance(sig.getParameters());
                allowed = PSS_DIGESTS.contains(pss.getHashAlgorithm().getAlgorithm());
            } catch (IllegalArgumentException e) {
                allowed = false;
            }
        }
        if (!allowed) {
            throw CaException.refused("csr-signature-weak", "the CSR is signed with " + oid.getId()
                    + "; sign it with SHA-256 or stronger (ECDSA, RSA, RSA-PSS) or Ed25519 (MD5 and SHA-1 are refused)");
        }
    }

    /** The digest of an ECDSA-with-SHA-2 signature (no parameters) by an EC key; null for anything else. */
    private static String ecdsaDigest(PKCS10CertificationRequest csr) {
        AlgorithmIdentifier sig = csr.getSignatureAlgorithm();
        if (sig.getParameters() != null
                || !X9ObjectIdentifiers.id_ecPublicKey.equals(csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm())) {
            return null;
        }
        return ECDSA_DIGESTS.get(sig.getAlgorithm());
    }

    private static boolean verifyEcdsa(PKCS10CertificationRequest csr, String digestName) throws IOException {
        AsymmetricKeyParameter key = PublicKeyFactory.createKey(csr.getSubjectPublicKeyInfo());
        if (!(key instanceof ECPublicKeyParameters ec)) {
            return false;
        }
        BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(ec.getParameters().getN(), csr.getSignature());
        byte[] digest = digest(digestName).digest(csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, ec);
        return verifier.verifySignature(digest, rs[0], rs[1]);
    }

    private static boolean verifyJca(PKCS10CertificationRequest csr) throws OperatorCreationException, PKCSException {
        ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().setProvider(BC)
                .build(csr.getSubjectPublicKeyInfo());
        return csr.isSignatureValid(verifier);
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + name, e);
        }
    }
}
