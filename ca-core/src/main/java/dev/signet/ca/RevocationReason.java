package dev.signet.ca;

import java.util.Locale;
import java.util.Optional;

/**
 * The RFC 5280 5.3.1 CRLReason values a certificate can be revoked with, by their camelCase names
 * (the API's spelling) and their codes (what is stored, and what CRLs and OCSP carry). Code 8,
 * removeFromCRL, is not a reason to revoke: it appears only in delta CRLs, for a released hold.
 */
public enum RevocationReason {
    UNSPECIFIED("unspecified", 0),
    KEY_COMPROMISE("keyCompromise", 1),
    CA_COMPROMISE("cACompromise", 2),
    AFFILIATION_CHANGED("affiliationChanged", 3),
    SUPERSEDED("superseded", 4),
    CESSATION_OF_OPERATION("cessationOfOperation", 5),
    CERTIFICATE_HOLD("certificateHold", 6),
    PRIVILEGE_WITHDRAWN("privilegeWithdrawn", 9),
    AA_COMPROMISE("aACompromise", 10);

    /** The CRLReason code of a released hold in a delta CRL (RFC 5280 5.2.4). */
    public static final int REMOVE_FROM_CRL = 8;

    private final String apiName;
    private final int code;

    RevocationReason(String apiName, int code) {
        this.apiName = apiName;
        this.code = code;
    }

    /** The camelCase name used by the API, the UI and the CLI (RFC 5280's spelling). */
    public String apiName() {
        return apiName;
    }

    /** The CRLReason code. */
    public int code() {
        return code;
    }

    /** The reason named {@code name} (camelCase, case-insensitive), if it is one. */
    public static Optional<RevocationReason> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (RevocationReason r : values()) {
            if (r.apiName.toLowerCase(Locale.ROOT).equals(n)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The reason with CRLReason code {@code code}. @throws IllegalArgumentException if none has it */
    public static RevocationReason ofCode(int code) {
        for (RevocationReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("no revocation reason has code " + code);
    }
}
