package dev.signet.signing.validation;

import java.util.Calendar;
import java.util.Set;

/**
 * A signature field's value as the final revision shows it: the raw ByteRange and /Contents, where
 * the dictionary lies in the file, and the permissions it sets (DocMDP, FieldMDP, the field's /Lock).
 *
 * @param dictionaryOffset where the signature dictionary's object starts, -1 when unknown
 * @param byteRange null when absent or not four non-negative integers
 * @param docMdp DocMDP permission P (1..3) when this is a certification signature, else null
 * @param lock fields this signature locks (FieldMDP / /Lock), null for none
 */
record SignatureEntry(
        String fieldName,
        boolean documentTimestamp,
        String subFilter,
        long dictionaryOffset,
        long[] byteRange,
        byte[] contents,
        Calendar signingTime,
        Integer docMdp,
        FieldLock lock) {

    /** A FieldMDP-style lock: All, Include (these fields) or Exclude (all but these). */
    record FieldLock(String action, Set<String> fields, Integer docMdp) {
        boolean locks(String field) {
            return switch (action) {
                case "All" -> true;
                case "Include" -> fields.contains(field);
                case "Exclude" -> !fields.contains(field);
                default -> true;
            };
        }
    }

    long revisionEnd() {
        return byteRange == null ? -1 : byteRange[2] + byteRange[3];
    }
}
