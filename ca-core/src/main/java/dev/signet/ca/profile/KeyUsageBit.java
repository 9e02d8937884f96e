package dev.signet.ca.profile;

import org.bouncycastle.asn1.x509.KeyUsage;

/** The keyUsage bits of RFC 5280 4.2.1.3, under the names profile files use. */
public enum KeyUsageBit {
    DIGITAL_SIGNATURE("digitalSignature", KeyUsage.digitalSignature),
    NON_REPUDIATION("nonRepudiation", KeyUsage.nonRepudiation),
    KEY_ENCIPHERMENT("keyEncipherment", KeyUsage.keyEncipherment),
    DATA_ENCIPHERMENT("dataEncipherment", KeyUsage.dataEncipherment),
    KEY_AGREEMENT("keyAgreement", KeyUsage.keyAgreement),
    KEY_CERT_SIGN("keyCertSign", KeyUsage.keyCertSign),
    CRL_SIGN("cRLSign", KeyUsage.cRLSign);

    private final String jsonName;
    private final int mask;

    KeyUsageBit(String jsonName, int mask) {
        this.jsonName = jsonName;
        this.mask = mask;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The BC {@link KeyUsage} mask for this bit. */
    public int mask() {
        return mask;
    }

    /** True for the bits that only make sense with a key that can encrypt (RSA). */
    public boolean needsEncryptionKey() {
        return this == KEY_ENCIPHERMENT || this == DATA_ENCIPHERMENT;
    }

    public static KeyUsageBit parse(String name) {
        for (KeyUsageBit b : values()) {
            if (b.jsonName.equals(name)) {
                return b;
            }
        }
        return null;
    }
}
