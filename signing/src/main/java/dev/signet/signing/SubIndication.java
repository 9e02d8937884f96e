package dev.signet.signing;

/** Why a signature failed or is indeterminate, ETSI EN 319 102-1 table 6 (the subset Signet reports). */
public enum SubIndication {
    // with TOTAL_FAILED
    FORMAT_FAILURE,
    HASH_FAILURE,
    SIG_CRYPTO_FAILURE,
    REVOKED,
    // with INDETERMINATE
    SIG_CONSTRAINTS_FAILURE,
    CHAIN_CONSTRAINTS_FAILURE,
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
    OUT_OF_BOUNDS_NO_POE,
    OUT_OF_BOUNDS_NOT_REVOKED,
    REVOKED_NO_POE,
    REVOKED_CA_NO_POE,
    NO_CERTIFICATE_CHAIN_FOUND,
    NO_SIGNING_CERTIFICATE_FOUND,
    TRY_LATER
}
