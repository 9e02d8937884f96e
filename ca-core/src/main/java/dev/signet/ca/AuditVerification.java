package dev.signet.ca;

/**
 * The result of checking the audit chain: how much was checked and, if it is broken, the first
 * entry where it breaks. Entries after {@code lastCheckpointSeq} are chained but not yet covered by
 * a signature, so the removal of the newest of them cannot be detected until the next checkpoint.
 */
public record AuditVerification(long entriesChecked, int checkpointsChecked, long lastCheckpointSeq, Break firstBreak) {

    /** Where and why the chain breaks. */
    public record Break(long seq, String reason) {
    }

    public boolean intact() {
        return firstBreak == null;
    }
}
