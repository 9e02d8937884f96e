package dev.signet.signing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The result of validating one PDF: one entry per signature and document timestamp, in file
 * order. A file that could not be read as a PDF (malformed, hostile, too large, too slow) has
 * {@code validatable == false}, a {@code problem} saying why, and no signatures.
 */
// the contract names subIndication and level "or null": they are always present, null or not
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ValidationReport(
        boolean validatable, String problem, String validationTime, String policy, List<SignatureReport> signatures) {

    public ValidationReport {
        signatures = List.copyOf(signatures);
    }

    public static ValidationReport cannotBeValidated(String problem, String validationTime, String policy) {
        return new ValidationReport(false, "cannot be validated: " + problem, validationTime, policy, List.of());
    }
}
