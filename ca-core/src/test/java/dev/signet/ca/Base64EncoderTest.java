package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Checked against the JDK's encoders: every length up to 3 KiB, both alphabets, padded or not, at offsets. */
class Base64EncoderTest {

    @Test
    void writes_exactly_what_the_jdk_encoders_write_for_every_length_alphabet_and_padding() {
        Random random = new Random(16);
        List<String> failures = new ArrayList<>();
        for (int length = 0; length <= 3 * 1024; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            for (boolean url : new boolean[]{false, true}) {
                for (boolean padding : new boolean[]{false, true}) {
                    Base64.Encoder jdk = url ? Base64.getUrlEncoder() : Base64.getEncoder();
                    String expected = (padding ? jdk : jdk.withoutPadding()).encodeToString(bytes);
                    // At an offset, from an offset, into an array with room to spare: nothing around it touched.
                    int before = length % 5;
                    byte[] src = new byte[before + length + 7];
                    System.arraycopy(bytes, 0, src, before, length);
                    byte[] dst = new byte[3 + Base64Encoder.encodedLength(length, padding) + 9];
                    Arrays.fill(dst, (byte) '#');
                    int n = (url ? Base64Encoder.URL : Base64Encoder.BASIC).encode(src, before, length, padding, dst, 3);
                    String got = new String(dst, 3, n, StandardCharsets.US_ASCII);
                    boolean untouched = dst[0] == '#' && dst[1] == '#' && dst[2] == '#' && dst[3 + n] == '#';
                    if (n != expected.length() || !got.equals(expected) || !untouched) {
                        failures.add("length " + length + (url ? " url" : " basic") + (padding ? " padded" : "") + ": " + got);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + (failures.isEmpty() ? "" : failures.get(0)));
    }

    @Test
    void an_exact_array_is_enough_and_lengths_are_the_jdks() {
        for (int length = 0; length < 100; length++) {
            byte[] bytes = new byte[length];
            Arrays.fill(bytes, (byte) 0xff);
            byte[] dst = new byte[Base64Encoder.encodedLength(length, false)];
            Base64Encoder.URL.encode(bytes, 0, length, false, dst, 0);
            assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), new String(dst, StandardCharsets.US_ASCII));
            assertEquals(Base64.getEncoder().encodeToString(bytes).length(), Base64Encoder.encodedLength(length, true));
        }
    }
}
