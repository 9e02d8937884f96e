package dev.signet.ca.store;

import java.time.Instant;

/**
 * A certificate a TSA signed with before its current one (a re-key or retirement replaced it):
 * tokens issued under it stay verifiable with it. {@code keyState} is what became of its key in the
 * HSM: {@value #DESTROYING} from the change's commit until the key is destroyed, then
 * {@value #DESTROYED}.
 */
public record TsaCertificateRecord(String tsaName, String keyLabel, String caId, String certificatePem, String chainPem,
        Instant replacedAt, String keyState) {

    public static final String DESTROYING = "destroying";
    public static final String DESTROYED = "destroyed";

    public TsaCertificateRecord {
        Checks.notBlank(tsaName, "TSA name");
        Checks.notBlank(keyLabel, "TSA key label");
        Checks.notBlank(certificatePem, "TSA certificate");
        Checks.notBlank(chainPem, "TSA chain");
        Checks.notNull(replacedAt, "replacement time");
        Checks.oneOf(keyState, "key state", DESTROYING, DESTROYED);
    }
}
