package dev.signet.web;

import dev.signet.hsm.Hsm;
import dev.signet.hsm.KeyInfo;
import dev.signet.hsm.KeyPurpose;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade of a data directory made before key purposes: each key that has no purpose yet gets
 * the one its role implies, stored by the backend with the key ({@link Hsm#assignPurpose}):
 * <ul>
 *   <li>{@value Services#AUDIT_KEY_LABEL}: {@link KeyPurpose#AUDIT};</li>
 *   <li>a CA's key (the label a CA record names, or {@code ca-*}): {@link KeyPurpose#CA};</li>
 *   <li>a signer identity's key ({@code identity-*}): {@link KeyPurpose#DOCUMENT};</li>
 *   <li>an AES key: {@link KeyPurpose#DATA_ENCRYPTION}.</li>
 * </ul>
 * Any other key without a purpose is left alone (and signs nothing) and logged. Idempotent: a start
 * after the upgrade finds nothing to do.
 */
final class KeyPurposeUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(KeyPurposeUpgrade.class);

    /** A key given its purpose. */
    record Assigned(String label, KeyPurpose purpose) {
    }

    private KeyPurposeUpgrade() {
    }

    /** Upgrades only {@code label} (the audit key must have its purpose before the database opens). */
    static List<Assigned> one(Hsm hsm, String label, KeyPurpose purpose) {
        return hsm.find(label).filter(k -> k.purpose() == null).map(k -> {
            hsm.assignPurpose(label, purpose);
            LOG.info("key upgrade: '{}' now has purpose {}", label, purpose);
            return List.of(new Assigned(label, purpose));
        }).orElse(List.of());
    }

    /** Upgrades every key without a purpose whose role is known. */
    static List<Assigned> all(Hsm hsm, Set<String> caKeyLabels) {
        List<Assigned> done = new ArrayList<>();
        for (KeyInfo k : hsm.list()) {
            if (k.purpose() != null) {
                continue;
            }
            KeyPurpose purpose = purposeOf(k, caKeyLabels);
            if (purpose == null) {
                LOG.warn("key upgrade: '{}' has no purpose and no known role; it signs nothing until one is assigned", k.label());
                continue;
            }
            hsm.assignPurpose(k.label(), purpose);
            LOG.info("key upgrade: '{}' now has purpose {}", k.label(), purpose);
            done.add(new Assigned(k.label(), purpose));
        }
        return done;
    }

    static KeyPurpose purposeOf(KeyInfo k, Set<String> caKeyLabels) {
        String label = k.label();
        if (k.algorithm().isSymmetric()) {
            return KeyPurpose.DATA_ENCRYPTION;
        }
        if (label.equals(Services.AUDIT_KEY_LABEL)) {
            return KeyPurpose.AUDIT;
        }
        if (caKeyLabels.contains(label) || label.startsWith("ca-")) {
            return KeyPurpose.CA;
        }
        if (label.startsWith(KeyInventory.IDENTITY_PREFIX)) {
            return KeyPurpose.DOCUMENT;
        }
        return null;
    }
}
