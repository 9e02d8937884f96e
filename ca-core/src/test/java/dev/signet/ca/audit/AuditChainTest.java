package dev.signet.ca.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    @Test
    void entry_content_is_the_canonical_json_object_of_its_fields() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("subject", "CN=\u00e9t\u00e9 \"quoted\"\\");
        details.put("sans", List.of("DNS:a.example", "IP:10.0.0.1"));
        details.put("n", 12);
        String canonicalDetails = CanonicalJson.write(details);

        byte[] content = AuditChain.content(42, 1_700_000_000_123L, "alice\tadmin", "certificate.issue", "certificate",
                "ca-1/0abc", canonicalDetails);

        // Independently: the whole entry as one map, written by the canonical JSON writer (which sorts keys).
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("seq", 42L);
        entry.put("at", 1_700_000_000_123L);
        entry.put("actor", "alice\tadmin");
        entry.put("action", "certificate.issue");
        entry.put("objectType", "certificate");
        entry.put("objectId", "ca-1/0abc");
        entry.put("details", details);
        assertEquals(CanonicalJson.write(entry), new String(content, StandardCharsets.UTF_8));
    }
}
