package dev.signet.web;

import dev.signet.ca.CertificateAuthorities;
import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPurpose;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What operators and auditors see of the HSM's keys (API {@code GET /api/v1/keys}, the UI's key page,
 * {@code keys list}): each key's label, purpose, algorithm, creation time and owner (the CA or signer
 * identity it belongs to, or the audit log). Read-only: it signs nothing and hands out no signer.
 */
public final class KeyInventory {

    /** One key as listed. {@code owner} is e.g. {@code ca:signet-demo-root-ca}, {@code identity:ca.1f}, {@code audit}, {@code ui}, {@code tsa:default}; null if unknown. */
    public record Entry(KeyInfo info, String owner) {

        public String label() {
            return info.label();
        }

        public KeyPurpose purpose() {
            return info.purpose();
        }
    }

    private final Hsm hsm;
    private final CertificateAuthorities cas;

    KeyInventory(Hsm hsm, CertificateAuthorities cas) {
        this.hsm = hsm;
        this.cas = cas;
    }

    public String backendName() {
        return hsm.backendName();
    }

    /** Every key, ordered by label, with its owner. */
    public List<Entry> list() {
        Map<String, String> caByKey = cas.caIdsByKeyLabel();
        return hsm.list().stream().map(k -> new Entry(k, owner(k.label(), caByKey))).toList();
    }

    public Optional<Entry> find(String label) {
        return list().stream().filter(e -> e.label().equals(label)).findFirst();
    }

    /** The public key of an asymmetric key (empty for a secret key or no such key). */
    public Optional<PublicKey> publicKey(String label) {
        return hsm.find(label).filter(k -> !k.algorithm().isSymmetric()).map(hsm::publicKey);
    }

    /** Whether the HSM answers and holds {@code label} (the health check). */
    public boolean holds(String label) {
        return hsm.find(label).isPresent();
    }

    static String owner(String label, Map<String, String> caByKey) {
        String ca = caByKey.get(label);
        if (ca != null) {
            return "ca:" + ca;
        }
        if (label.equals(Services.AUDIT_KEY_LABEL)) {
            return "audit";
        }
        if (label.equals(Services.UI_FLASH_KEY_LABEL)) {
            return "ui";
        }
        if (label.startsWith(TSA_PREFIX) && label.lastIndexOf('-') > TSA_PREFIX.length()) {
            // tsa-{name}-{8 hex}: the TSA's name is what is between.
            return "tsa:" + label.substring(TSA_PREFIX.length(), label.lastIndexOf('-'));
        }
        if (label.startsWith(IDENTITY_PREFIX)) {
            // identity-{caId}-{serial}: the serial is hex, so the last '-' separates it from the CA id.
            String rest = label.substring(IDENTITY_PREFIX.length());
            int dash = rest.lastIndexOf('-');
            if (dash > 0) {
                return "identity:" + rest.substring(0, dash) + "." + rest.substring(dash + 1);
            }
        }
        if (label.startsWith(OCSP_PREFIX)) {
            // ocsp-{caId}-{yyyyMMddHHmmss}: a CA's delegated OCSP responder key.
            String rest = label.substring(OCSP_PREFIX.length());
            int dash = rest.lastIndexOf('-');
            if (dash > 0) {
                return "ocsp:" + rest.substring(0, dash);
            }
        }
        return null;
    }

    static final String IDENTITY_PREFIX = "identity-";
    /** Time-stamp authorities' keys (see TimeStampAuthorities). */
    static final String TSA_PREFIX = "tsa-";
    static final String OCSP_PREFIX = "ocsp-";

}
