package dev.signet.ca.profile;

import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** The subject DN attributes profiles may name, by short name, and their OIDs. */
public final class SubjectAttributes {

    private static final Map<String, ASN1ObjectIdentifier> BY_NAME = Map.ofEntries(
            Map.entry("CN", BCStyle.CN),
            Map.entry("O", BCStyle.O),
            Map.entry("OU", BCStyle.OU),
            Map.entry("C", BCStyle.C),
            Map.entry("L", BCStyle.L),
            Map.entry("ST", BCStyle.ST),
            Map.entry("STREET", BCStyle.STREET),
            Map.entry("E", BCStyle.EmailAddress),
            Map.entry("SERIALNUMBER", BCStyle.SERIALNUMBER),
            Map.entry("DC", BCStyle.DC),
            Map.entry("UID", BCStyle.UID),
            Map.entry("GIVENNAME", BCStyle.GIVENNAME),
            Map.entry("SURNAME", BCStyle.SURNAME),
            Map.entry("T", BCStyle.T),
            Map.entry("ORGANIZATIONIDENTIFIER", BCStyle.ORGANIZATION_IDENTIFIER));

    private SubjectAttributes() {
    }

    /** The OID for a short name, or null if profiles cannot name it. */
    public static ASN1ObjectIdentifier oid(String shortName) {
        return BY_NAME.get(shortName);
    }

    /** The short name for an OID, or null if it is not one profiles can name. */
    public static String shortName(ASN1ObjectIdentifier oid) {
        for (Map.Entry<String, ASN1ObjectIdentifier> e : BY_NAME.entrySet()) {
            if (e.getValue().equals(oid)) {
                return e.getKey();
            }
        }
        return null;
    }
}
