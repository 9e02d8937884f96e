package dev.signet.ca;

import java.time.Instant;
import java.util.List;

/**
 * What Signet keeps about one named data key: its versions (each an HSM key label), its state,
 * the lowest version that may still decrypt, and the time destruction is due (while scheduled).
 */
public record DataKeyRecord(String name, String state, int currentVersion, int minDecryptVersion, Instant created,
                            Instant destroyAfter, List<Version> versions) {

    public static final String ENABLED = "enabled";
    public static final String DISABLED = "disabled";
    public static final String PENDING_DESTRUCTION = "pending_destruction";
    public static final String DESTROYED = "destroyed";

    public DataKeyRecord {
        versions = List.copyOf(versions);
    }

    /** One version of the key: the HSM label of its AES-256 key. */
    public record Version(int version, String hsmLabel, Instant created) {}

    /** The version {@code v}, or null. A loop, not a stream: it runs once per data-key operation. */
    public Version version(int v) {
        for (Version x : versions) {
            if (x.version() == v) {
                return x;
            }
        }
        return null;
    }
}
