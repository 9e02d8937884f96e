package dev.signet.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Key usage bits the subject key can honour: no encipherment with EC keys (RFC 5480 3), only
 * signing bits with Ed25519 (RFC 8410 5), no keyAgreement with RSA (RFC 3279 2.3.1).
 */
final class KeyUsageFitsKeyType extends BaseRule {
    KeyUsageFitsKeyType() {
        super("key-usage-fits-key-type", "RFC 5480 3, RFC 8410 5, RFC 3279 2.3.1");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        KeyUsage ku = t.keyUsage();
        if (ku == null) {
            return ok();
        }
        ASN1ObjectIdentifier alg = t.tbs().getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm();
        if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)
                && (ku.hasUsages(KeyUsage.keyEncipherment) || ku.hasUsages(KeyUsage.dataEncipherment))) {
            return fail("keyEncipherment/dataEncipherment with an EC key");
        }
        if (alg.equals(EdECObjectIdentifiers.id_Ed25519) && (ku.hasUsages(KeyUsage.keyEncipherment)
                || ku.hasUsages(KeyUsage.dataEncipherment) || ku.hasUsages(KeyUsage.keyAgreement))) {
            return fail("encipherment or keyAgreement with an Ed25519 key");
        }
        if (alg.equals(PKCSObjectIdentifiers.rsaEncryption) && ku.hasUsages(KeyUsage.keyAgreement)) {
            return fail("keyAgreement with an RSA key");
        }
        return ok();
    }
}
