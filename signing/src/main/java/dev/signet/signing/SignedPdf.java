package dev.signet.signing;

/**
 * What was signed: the SHA-256 (lower-case hex) of the document as received, the level reached,
 * and the signature field's name.
 */
public record SignedPdf(String documentSha256, PadesLevel level, String fieldName) {
}
