package dev.signet.ca.profile;

/** One certificate policy (RFC 5280 4.2.1.4): its OID and, optionally, the URI of its CPS. */
public record PolicyRule(String oid, String cpsUri) {
}
