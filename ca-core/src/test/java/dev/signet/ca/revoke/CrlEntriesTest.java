package dev.signet.ca.revoke;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.signet.ca.store.RevocationStore;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written CRL entry encoder writes exactly the DER Bouncy Castle's ASN.1 objects write. */
class CrlEntriesTest {

    @Test
    void every_kind_of_entry_encodes_as_bouncy_castle_encodes_it() throws Exception {
        Instant thisUpdate = Instant.parse("2026-12-01T10:00:00Z");
        String[] serials = {"1", "7f", "80", "ff", "7e25c02ee5363fbd17b9000ca02285b7", "fe25c02ee5363fbd17b9000ca02285b7ab"};
        Instant[] times = {Instant.parse("2026-11-30T23:59:59.999Z"), Instant.parse("1999-01-02T03:04:05Z"),
                Instant.parse("2049-12-31T23:59:59Z"), Instant.parse("2050-01-01T00:00:00Z")};
        int[] codes = {0, 1, 2, 3, 4, 5, 6, 9, 10};
        List<String> failures = new ArrayList<>();
        for (String serial : serials) {
            for (Instant t : times) {
                for (int code : codes) {
                    for (Instant invalidity : new Instant[] {null, Instant.parse("2026-11-01T12:34:56.789Z")}) {
                        check(failures, false, new RevocationStore.Entry(serial, t, code, invalidity, false), thisUpdate,
                                CrlEntries.reference(new BigInteger(serial, 16), t, code, invalidity));
                    }
                }
            }
            check(failures, true, new RevocationStore.Entry(serial, null, 8, null, true), thisUpdate,
                    CrlEntries.reference(new BigInteger(serial, 16), thisUpdate, 8, null));
        }
        assertEquals(List.of(), failures);
    }

    private static void check(List<String> failures, boolean delta, RevocationStore.Entry e, Instant thisUpdate, byte[] expected)
            throws Exception {
        try (CrlEntries entries = new CrlEntries(delta, thisUpdate)) {
            entries.accept(e);
            entries.finish();
            byte[] got = Files.readAllBytes(entries.file());
            if (!java.util.Arrays.equals(expected, got)) {
                failures.add(e + ": expected " + HexFormat.of().formatHex(expected) + " got " + HexFormat.of().formatHex(got));
            }
        }
    }
}
