package dev.signet.ca.revoke;

import dev.signet.ca.store.RevocationStore;

/** A signed and stored CRL: its metadata and its DER. */
public record IssuedCrl(RevocationStore.CrlInfo info, byte[] der) {
}
