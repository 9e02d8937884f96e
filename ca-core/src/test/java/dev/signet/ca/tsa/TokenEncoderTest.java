package dev.signet.ca.tsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.junit.jupiter.api.Test;

class TokenEncoderTest {

    @Test
    void gen_time_is_der_generalized_time_with_milliseconds_and_no_trailing_zeros() throws Exception {
        String[][] cases = {
            {"2026-12-02T01:02:03Z", "20261202010203Z"},
            {"2026-12-02T01:02:03.500Z", "20261202010203.5Z"},
            {"2026-12-02T01:02:03.120Z", "20261202010203.12Z"},
            {"2026-12-02T01:02:03.007Z", "20261202010203.007Z"},
            {"1999-01-31T23:59:59.999Z", "19990131235959.999Z"},
            {"2039-09-07T15:47:35.551Z", "20390907154735.551Z"},
        };
        for (String[] c : cases) {
            Instant t = Instant.parse(c[0]);
            byte[] der = TokenEncoder.generalizedTime(t);
            byte[] text = c[1].getBytes(StandardCharsets.US_ASCII);
            assertEquals(0x18, der[0]);
            assertEquals(text.length, der[1]);
            assertArrayEquals(text, java.util.Arrays.copyOfRange(der, 2, der.length), c[0]);
            // Bouncy Castle reads it back as the same instant.
            assertEquals(Date.from(t), ASN1GeneralizedTime.getInstance(der).getDate());
            assertArrayEquals(der, ASN1GeneralizedTime.getInstance(der).getEncoded(ASN1Encoding.DER));
        }
    }
}
