package dev.signet.ca.tsa;

import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;

/** The message-imprint hashes a Signet TSA accepts: SHA-256/384/512, and SHA-1 only when configured. */
public final class Digests {

    private record Known(String jcaName, int length) {}

    private static final Map<ASN1ObjectIdentifier, Known> STRONG = Map.of(
            NISTObjectIdentifiers.id_sha256, new Known("SHA-256", 32),
            NISTObjectIdentifiers.id_sha384, new Known("SHA-384", 48),
            NISTObjectIdentifiers.id_sha512, new Known("SHA-512", 64));
    private static final Known SHA1 = new Known("SHA-1", 20);

    private Digests() {
    }

    /** The imprint length for {@code alg}, or null if it is not accepted. */
    static Integer length(ASN1ObjectIdentifier alg, boolean acceptSha1) {
        Known k = known(alg, acceptSha1);
        return k == null ? null : k.length();
    }

    static String jcaName(ASN1ObjectIdentifier alg) {
        Known k = known(alg, true);
        return k == null ? alg.getId() : k.jcaName();
    }

    static String accepted(boolean acceptSha1) {
        return acceptSha1 ? "SHA-256, SHA-384, SHA-512, SHA-1" : "SHA-256, SHA-384, SHA-512";
    }

    /** The OID for a JCA digest name ({@code SHA-256}, ...), or null if it is not one a TSA accepts. */
    public static ASN1ObjectIdentifier oid(String jcaName) {
        if ("SHA-1".equals(jcaName)) {
            return OIWObjectIdentifiers.idSHA1;
        }
        for (Map.Entry<ASN1ObjectIdentifier, Known> e : STRONG.entrySet()) {
            if (e.getValue().jcaName().equals(jcaName)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static Known known(ASN1ObjectIdentifier alg, boolean acceptSha1) {
        if (alg == null) {
            return null;
        }
        Known k = STRONG.get(alg);
        if (k == null && acceptSha1 && OIWObjectIdentifiers.idSHA1.equals(alg)) {
            return SHA1;
        }
        return k;
    }
}
