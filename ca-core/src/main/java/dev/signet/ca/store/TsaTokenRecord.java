package dev.signet.ca.store;

import java.time.Instant;

/**
 * What is recorded of every time-stamp token before it is returned: which TSA, its serial (lower-case
 * hex, no leading zeros), genTime, the message imprint with its hash algorithm (JCA name), the policy
 * OID, and who asked ({@code public} for the HTTP endpoint).
 */
public record TsaTokenRecord(String tsaName, String serialHex, Instant genTime, String hashAlgorithm, byte[] imprint,
        String policy, String requester) {

    public TsaTokenRecord {
        Checks.notBlank(tsaName, "TSA name");
        Checks.serial(serialHex);
        Checks.notNull(genTime, "genTime");
        Checks.notBlank(hashAlgorithm, "hash algorithm");
        Checks.notNull(imprint, "message imprint");
        Checks.notBlank(policy, "policy");
        Checks.notBlank(requester, "requester");
        imprint = imprint.clone();
    }

    @Override
    public byte[] imprint() {
        return imprint.clone();
    }
}
