package dev.signet.signing;

/** The main status of a signature's validation, ETSI EN 319 102-1 section 5.1.3. */
public enum Indication {
    TOTAL_PASSED,
    TOTAL_FAILED,
    INDETERMINATE
}
