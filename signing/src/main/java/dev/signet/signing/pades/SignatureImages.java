package dev.signet.signing.pades;

import dev.signet.signing.SigningException;
import dev.signet.signing.SigningException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks a visible signature's image before anything decodes it: at most {@link #MAX_BYTES}, PNG or
 * JPEG by its signature bytes, and a header that gives at most {@link #MAX_SIDE} pixels a side. The
 * dimensions are read from the header alone, so a small file that would decode into gigabytes of
 * pixels (a decompression bomb) is refused without being decoded.
 */
public final class SignatureImages {

    /** 512 KiB: a logo or a scanned signature, not a photograph. */
    public static final int MAX_BYTES = 512 * 1024;
    /** Pixels a side: 2000 x 2000 decodes into at most 16 MB. */
    public static final int MAX_SIDE = 2000;

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

    private SignatureImages() {
    }

    /** @throws SigningException ({@link Kind#BAD_OPTION}) for anything but a modest PNG or JPEG */
    public static void check(byte[] image) {
        if (image.length == 0) {
            throw bad("the signature image is empty");
        }
        if (image.length > MAX_BYTES) {
            throw bad("the signature image is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        String format = startsWith(image, PNG) ? "png" : startsWith(image, JPEG) ? "jpeg" : null;
        if (format == null) {
            throw bad("the signature image must be a PNG or JPEG file");
        }
        int width;
        int height;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw new IllegalStateException("the JDK has no " + format + " reader");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw (IllegalStateException) e;
            }
            throw new SigningException(Kind.BAD_OPTION, "the signature image is not a readable " + format.toUpperCase() + " file", e);
        }
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw bad("the signature image is " + width + " x " + height + " pixels; at most " + MAX_SIDE + " a side");
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static SigningException bad(String message) {
        return new SigningException(Kind.BAD_OPTION, message);
    }
}
