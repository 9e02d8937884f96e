package dev.signet.ca.lint;

import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * An EC subject key is id-ecPublicKey with a namedCurve parameter (implicitCurve and
 * specifiedCurve MUST NOT be used) naming P-256, P-384 or P-521, and a point of that curve's length.
 */
final class EcKeyEncoding extends BaseRule {

    /** Field size in bytes per curve. */
    private static final Map<ASN1ObjectIdentifier, Integer> CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, 32, SECObjectIdentifiers.secp384r1, 48, SECObjectIdentifiers.secp521r1, 66);

    EcKeyEncoding() {
        super("ec-key-encoding", "RFC 5480 2.1.1, 2.2");
    }

    @Override
    public Optional<String> check(LintTarget t) {
        SubjectPublicKeyInfo spki = t.tbs().getSubjectPublicKeyInfo();
        if (!spki.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return ok();
        }
        ASN1Encodable params = spki.getAlgorithm().getParameters();
        if (!(params instanceof ASN1ObjectIdentifier curve)) {
            return fail("EC parameters must be a namedCurve OID");
        }
        Integer size = CURVES.get(curve);
        if (size == null) {
            return fail("curve " + curve + " is not P-256, P-384 or P-521");
        }
        byte[] point = spki.getPublicKeyData().getBytes();
        boolean uncompressed = point.length == 1 + 2 * size && point[0] == 4;
        boolean compressed = point.length == 1 + size && (point[0] == 2 || point[0] == 3);
        return uncompressed || compressed ? ok() : fail("EC point is not an encoded point of the curve");
    }
}
