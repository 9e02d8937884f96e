package dev.signet.signing;

/**
 * Where a signature shows: a rectangle on a page (PDF points from the page's lower-left corner),
 * with text lines (signer, date, reason, location) in an embedded font and an optional PNG or JPEG
 * image at its left. Without one, signatures are invisible.
 *
 * @param page  1-based page number
 * @param image PNG or JPEG bytes, or null; checked when the record is made (at most
 *              {@link dev.signet.signing.pades.SignatureImages#MAX_BYTES}, PNG or JPEG, at most
 *              {@link dev.signet.signing.pades.SignatureImages#MAX_SIDE} pixels a side)
 */
public record VisibleSignature(int page, float x, float y, float width, float height, byte[] image) {

    /** The largest image accepted, for callers that bound an upload before reading it. */
    public static final int MAX_IMAGE_BYTES = dev.signet.signing.pades.SignatureImages.MAX_BYTES;

    public VisibleSignature {
        if (page < 1) {
            throw new SigningException(SigningException.Kind.BAD_OPTION, "the visible signature's page starts at 1");
        }
        if (!(width >= 20 && height >= 10 && width <= 2000 && height <= 2000) || x < 0 || y < 0) {
            throw new SigningException(SigningException.Kind.BAD_OPTION,
                    "the visible signature's rectangle must be at least 20 x 10 points, within the page");
        }
        if (image != null) {
            dev.signet.signing.pades.SignatureImages.check(image);
        }
    }
}
