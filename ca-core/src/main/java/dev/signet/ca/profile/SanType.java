package dev.signet.ca.profile;

import org.bouncycastle.asn1.x509.GeneralName;

/** The subject alternative name types a profile may allow (RFC 5280 4.2.1.6). */
public enum SanType {
    DNS("dns", GeneralName.dNSName),
    IP("ip", GeneralName.iPAddress),
    EMAIL("email", GeneralName.rfc822Name),
    URI("uri", GeneralName.uniformResourceIdentifier);

    private final String jsonName;
    private final int tag;

    SanType(String jsonName, int tag) {
        this.jsonName = jsonName;
        this.tag = tag;
    }

    /** The field name used in profile files. */
    public String jsonName() {
        return jsonName;
    }

    /** The GeneralName tag. */
    public int tag() {
        return tag;
    }

    /** The type for a GeneralName tag, or null for tags no profile can allow (otherName, dirName...). */
    public static SanType ofTag(int tag) {
        for (SanType t : values()) {
            if (t.tag == tag) {
                return t;
            }
        }
        return null;
    }
}
