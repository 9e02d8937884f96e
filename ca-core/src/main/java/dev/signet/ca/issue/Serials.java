package dev.signet.ca.issue;

import java.math.BigInteger;
import java.security.SecureRandom;

/** Serial numbers: 128 bits from a CSPRNG, positive, so at most 17 octets in DER (RFC 5280 4.1.2.2 allows 20). */
final class Serials {

    private Serials() {
    }

    static BigInteger random(SecureRandom random) {
        while (true) {
            byte[] b = new byte[16];
            random.nextBytes(b);
            BigInteger serial = new BigInteger(1, b);
            if (serial.signum() > 0) {
                return serial;
            }
        }
    }
}
