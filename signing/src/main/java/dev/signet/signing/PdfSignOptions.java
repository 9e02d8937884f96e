package dev.signet.signing;

/**
 * How to sign one PDF. Signatures are approval signatures unless {@code certification} is 1, 2 or
 * 3 (DocMDP P: 1 no changes, 2 form filling and signing, 3 also annotations).
 *
 * @param password the PDF's password, or null when it is not encrypted (an owner-password-only file opens without one)
 * @param reason   optional /Reason
 * @param location optional /Location
 * @param visible  where the signature shows, or null for an invisible signature
 */
public record PdfSignOptions(PadesLevel level, String password, String reason, String location, int certification,
                             VisibleSignature visible) {

    public PdfSignOptions {
        if (level == null) {
            throw new IllegalArgumentException("level is required");
        }
        if (certification < 0 || certification > 3) {
            throw new SigningException(SigningException.Kind.BAD_OPTION,
                    "certification must be 1, 2 or 3 (DocMDP P), or absent for an approval signature");
        }
    }

    public static PdfSignOptions at(PadesLevel level) {
        return new PdfSignOptions(level, null, null, null, 0, null);
    }

    public PdfSignOptions withPassword(String p) {
        return new PdfSignOptions(level, p, reason, location, certification, visible);
    }

    public PdfSignOptions withReason(String r) {
        return new PdfSignOptions(level, password, r, location, certification, visible);
    }

    public PdfSignOptions withLocation(String l) {
        return new PdfSignOptions(level, password, reason, l, certification, visible);
    }

    public PdfSignOptions showing(VisibleSignature v) {
        return new PdfSignOptions(level, password, reason, location, certification, v);
    }

    public PdfSignOptions certifying(int p) {
        return new PdfSignOptions(level, password, reason, location, p, visible);
    }
}
