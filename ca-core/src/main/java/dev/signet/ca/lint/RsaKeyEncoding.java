package dev.signet.ca.lint;

import java.math.BigInteger;
import java.util.Optional;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An RSA subject key is rsaEncryption with NULL parameters, a positive modulus of at least 2048
 * bits and an odd public exponent greater than 1.
 */
final class RsaKeyEncoding extends BaseRule {
    RsaKeyEncoding() {
        super("rsa-key-encoding", "RFC 3279 2.3.1");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        SubjectPublicKeyInfo spki = t.tbs().getSubjectPublicKeyInfo();
        if (!spki.getAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return ok();
        }
        if (!DERNull.INSTANCE.equals(spki.getAlgorithm().getParameters())) {
            return fail("rsaEncryption parameters must be NULL");
        }
        RSAPublicKey key;
        try {
            key = RSAPublicKey.getInstance(spki.parsePublicKey());
        } catch (java.io.IOException e) {
            return fail("RSA public key does not parse");
        }
        BigInteger n = key.getModulus();
        BigInteger e = key.getPublicExponent();
        if (n.signum() <= 0 || n.bitLength() < 2048) {
            return fail("RSA modulus of " + n.bitLength() + " bits");
        }
        if (!e.testBit(0) || e.compareTo(BigInteger.ONE) <= 0) {
            return fail("RSA public exponent must be odd and greater than 1");
        }
        return ok();
    }
}
