package dev.signet.ca.lint;

import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The signature field names an algorithm the issuer's key can produce, with parameters encoded as
 * its RFC says: NULL for PKCS#1 v1.5 (RFC 4055 5), absent for ECDSA (RFC 5758 3.2) and Ed25519 (RFC 8410 3).
 */
final class SignatureAlgorithmMatchesIssuerKey extends BaseRule {

    private static final Set<ASN1ObjectIdentifier> RSA_PKCS1 = Set.of(
            PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption);
    private static final Set<ASN1ObjectIdentifier> ECDSA = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512);

    SignatureAlgorithmMatchesIssuerKey() {
        super("signature-algorithm-matches-issuer-key", "RFC 5280 4.1.2.3");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        AlgorithmIdentifier sig = t.tbs().getSignature();
        ASN1ObjectIdentifier keyAlg = t.issuerPublicKey().getAlgorithm().getAlgorithm();
        ASN1ObjectIdentifier s = sig.getAlgorithm();
        if (keyAlg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            if (RSA_PKCS1.contains(s)) {
                return DERNull.INSTANCE.equals(sig.getParameters()) ? ok() : fail(s + " parameters must be NULL");
            }
            if (s.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
                return sig.getParameters() != null ? ok() : fail("RSASSA-PSS needs its parameters");
            }
        } else if (keyAlg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            if (ECDSA.contains(s)) {
                return sig.getParameters() == null ? ok() : fail(s + " parameters must be absent");
            }
        } else if (keyAlg.equals(EdECObjectIdentifiers.id_Ed25519)) {
            if (s.equals(EdECObjectIdentifiers.id_Ed25519)) {
                return sig.getParameters() == null ? ok() : fail("Ed25519 parameters must be absent");
            }
        }
        return fail("signature algorithm " + s + " does not fit the issuer's " + keyAlg + " key");
    }
}
