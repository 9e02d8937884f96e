package dev.signet.ca.store;

import dev.signet.ca.InvalidRecordException;
import java.util.Arrays;

/**
 * Just enough DER to find the tbsCertificate inside a Certificate (RFC 5280 4.1: a SEQUENCE of
 * tbsCertificate, signatureAlgorithm, signatureValue), so that the store can check that what is
 * stored is what was reserved. Not a general parser; it refuses anything it does not expect.
 */
final class CertificateDer {

    private static final int SEQUENCE = 0x30;

    private CertificateDer() {
    }

    /** The encoded tbsCertificate (tag, length and content) of a DER certificate. */
    static byte[] tbsOf(byte[] certificate) {
        int[] outer = header(certificate, 0);
        if (outer[0] + outer[1] != certificate.length) {
            throw new InvalidRecordException("certificate DER has trailing or missing bytes");
        }
        int[] inner = header(certificate, outer[0]);
        int end = inner[0] + inner[1];
        if (end > certificate.length) {
            throw new InvalidRecordException("certificate DER is truncated");
        }
        return Arrays.copyOfRange(certificate, outer[0], end);
    }

    /** {offset of the content, content length} of the SEQUENCE starting at {@code at}. */
    private static int[] header(byte[] der, int at) {
        if (at + 2 > der.length || (der[at] & 0xff) != SEQUENCE) {
            throw new InvalidRecordException("certificate DER is not a SEQUENCE where one is required");
        }
        int first = der[at + 1] & 0xff;
        int pos = at + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7f;
            if (octets == 0 || octets > 4 || pos + octets > der.length) {
                throw new InvalidRecordException("certificate DER has a bad length");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[pos++] & 0xff);
            }
        }
        if (length > der.length - pos) {
            throw new InvalidRecordException("certificate DER is truncated");
        }
        return new int[] {pos, (int) length};
    }
}
