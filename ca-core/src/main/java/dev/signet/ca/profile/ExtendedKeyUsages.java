package dev.signet.ca.profile;

import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** The key purposes (RFC 5280 4.2.1.12) profile files may name; others are given as dotted OIDs. */
public final class ExtendedKeyUsages {

    private static final Map<String, KeyPurposeId> BY_NAME = Map.of(
            "serverAuth", KeyPurposeId.id_kp_serverAuth,
            "clientAuth", KeyPurposeId.id_kp_clientAuth,
            "codeSigning", KeyPurposeId.id_kp_codeSigning,
            "emailProtection", KeyPurposeId.id_kp_emailProtection,
            "timeStamping", KeyPurposeId.id_kp_timeStamping,
            "OCSPSigning", KeyPurposeId.id_kp_OCSPSigning);

    private ExtendedKeyUsages() {
    }

    /** The purpose for a name or dotted OID, or null if it is neither. */
    public static KeyPurposeId parse(String nameOrOid) {
        KeyPurposeId named = BY_NAME.get(nameOrOid);
        if (named != null) {
            return named;
        }
        if (nameOrOid.matches("[0-2](\\.(0|[1-9][0-9]*))+")) {
            return KeyPurposeId.getInstance(new ASN1ObjectIdentifier(nameOrOid));
        }
        return null;
    }
}
