package dev.signet.hsm.pkcs11;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

/** The hand-written ECDSA DER encoding, checked against Bouncy Castle's ASN.1 encoder. */
class SignatureMechanismsTest {

    @Test
    void raw_ecdsa_signatures_become_the_der_bouncy_castle_writes() throws Exception {
        List<byte[]> cases = new ArrayList<>();
        for (int n : new int[] {32, 48, 66}) {
            byte[] highBits = new byte[2 * n];
            Arrays.fill(highBits, (byte) 0xff); // both INTEGERs need a leading 0x00
            cases.add(highBits);
            byte[] leadingZeros = new byte[2 * n];
            leadingZeros[n - 1] = 1; // r = 1, s = 0x0000...01
            leadingZeros[2 * n - 1] = 1;
            cases.add(leadingZeros);
            Random random = new Random(n);
            for (int i = 0; i < 200; i++) {
                byte[] raw = new byte[2 * n];
                random.nextBytes(raw);
                cases.add(raw);
            }
        }
        List<String> failures = new ArrayList<>();
        for (byte[] raw : cases) {
            int half = raw.length / 2;
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 0, half))));
            v.add(new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length))));
            byte[] expected = new DERSequence(v).getEncoded();
            byte[] actual = SignatureMechanisms.ecdsaToDer(raw);
            if (!Arrays.equals(expected, actual)) {
                failures.add(HexFormat.of().formatHex(raw));
            }
        }
        assertEquals(List.of(), failures);
    }
}
