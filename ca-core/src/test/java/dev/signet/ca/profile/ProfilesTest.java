package dev.signet.ca.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.ProfileException;
import dev.signet.ca.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesTest {

    private static final String GOOD = """
            {
              "name": "web",
              "keys": { "rsaMinBits": 3072, "ecCurves": ["P-256"] },
              "maxValidityDays": 90,
              "subject": { "allowed": ["CN", "O"], "required": ["CN"] },
              "subjectAltNames": { "required": true, "dns": ["^[a-z.]+\\\\.example\\\\.com$"] },
              "keyUsage": ["digitalSignature"],
              "extendedKeyUsage": { "purposes": ["serverAuth", "1.3.6.1.4.1.99999.1"] },
              "certificatePolicies": [ { "oid": "1.3.6.1.4.1.99999.2.1", "cpsUri": "https://pki.example.com/cps" } ]
            }
            """;

    @Test
    void every_built_in_profile_loads_with_its_intended_extensions() {
        Profiles p = Profiles.builtIn();
        assertEquals(Profiles.BUILT_IN.size(), p.all().size());
        Profile doc = p.find("document-signer").orElseThrow();
        assertEquals(Set.of(KeyUsageBit.DIGITAL_SIGNATURE, KeyUsageBit.NON_REPUDIATION), doc.keyUsage());
        Profile tsa = p.find("timestamping").orElseThrow();
        assertEquals(List.of(KeyPurposeId.id_kp_timeStamping), tsa.extendedKeyUsage());
        assertTrue(tsa.extendedKeyUsageCritical());
        Profile ocsp = p.find("ocsp-responder").orElseThrow();
        assertEquals(List.of(KeyPurposeId.id_kp_OCSPSigning), ocsp.extendedKeyUsage());
        assertTrue(ocsp.ocspNoCheck());
        Profile sub = p.find("sub-ca").orElseThrow();
        assertTrue(sub.ca());
        assertNull(sub.pathLen());
        Profile tls = p.find("tls-server").orElseThrow();
        assertTrue(tls.subjectAltNames().accepts(SanType.DNS, "www.example.com"));
        assertTrue(tls.subjectAltNames().accepts(SanType.DNS, "*.example.com"));
        assertFalse(tls.subjectAltNames().accepts(SanType.DNS, "www..example.com"));
        assertFalse(tls.subjectAltNames().allows(SanType.EMAIL));
    }

    @Test
    void an_operator_file_is_loaded_beside_the_built_ins(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("web.json"), GOOD);
        Profiles p = Profiles.load(dir);
        Profile web = p.find("web").orElseThrow();
        assertEquals(Duration.ofDays(90), web.maxValidity());
        assertEquals(3072, web.keys().rsaMinBits());
        assertEquals("https://pki.example.com/cps", web.certificatePolicies().get(0).cpsUri());
        assertTrue(p.find("tls-server").isPresent());
    }

    @Test
    void an_operator_file_replaces_the_built_in_of_the_same_name(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mine.json"), GOOD.replace("\"web\"", "\"tls-server\""));
        assertEquals(Duration.ofDays(90), Profiles.load(dir).find("tls-server").orElseThrow().maxValidity());
    }

    @Test
    void two_operator_files_with_one_name_are_refused_naming_both(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.json"), GOOD);
        Files.writeString(dir.resolve("b.json"), GOOD);
        ProfileException e = assertThrows(ProfileException.class, () -> Profiles.load(dir));
        assertTrue(e.source().endsWith("b.json"), e.getMessage());
        assertTrue(e.getMessage().contains("a.json"), e.getMessage());
    }

    @Test
    void a_bad_file_in_the_directory_is_reported_with_its_path(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken.json"), "{ \"name\": ");
        ProfileException e = assertThrows(ProfileException.class, () -> Profiles.load(dir));
        assertEquals(dir.resolve("broken.json").toString(), e.source());
        assertTrue(e.reason().startsWith("not valid JSON at line"), e.reason());
    }

    /** One bad edit of a good file per row: the field the error must name and a word of the reason. */
    private record Case(String from, String to, String field, String reason) {
    }

    @Test
    void each_invalid_field_is_refused_with_its_path_and_reason() {
        List<Case> cases = List.of(
                new Case("\"name\": \"web\"", "\"name\": \"Web Site\"", "name", "lower-case"),
                new Case("\"name\": \"web\",", "", "name", "is required"),
                new Case("\"rsaMinBits\": 3072", "\"rsaMinBits\": 1024", "keys.rsaMinBits", "at least 2048"),
                new Case("[\"P-256\"]", "[\"P-256\", \"secp256k1\"]", "keys.ecCurves[1]", "unknown curve"),
                new Case("\"rsaMinBits\": 3072, \"ecCurves\": [\"P-256\"]", "\"rsaMinBits\": 0", "keys", "no key"),
                new Case("\"maxValidityDays\": 90", "\"maxValidityDays\": 0", "maxValidityDays", "between 1"),
                new Case("\"maxValidityDays\": 90", "\"maxValidityDays\": \"90\"", "maxValidityDays", "whole number"),
                new Case("\"required\": [\"CN\"]", "\"required\": [\"CN\", \"OU\"]", "subject.required", "not in subject.allowed"),
                new Case("[\"CN\", \"O\"]", "[\"CN\", \"Org\"]", "subject.allowed[1]", "unknown attribute"),
                new Case("\"^[a-z.]+", "\"^[a-z.+", "subjectAltNames.dns[0]", "regular expression"),
                new Case("\"dns\":", "\"dnsname\":", "subjectAltNames.dnsname", "unknown field"),
                new Case("[\"digitalSignature\"]", "[\"digitalSignature\", \"signEverything\"]", "keyUsage[1]", "unknown key usage"),
                new Case("[\"digitalSignature\"]", "[]", "keyUsage", "at least one"),
                new Case("[\"digitalSignature\"]", "[\"keyCertSign\"]", "keyUsage", "basicConstraints.ca"),
                new Case("\"serverAuth\", ", "\"webAuth\", ", "extendedKeyUsage.purposes[0]", "unknown purpose"),
                new Case("\"purposes\": [\"serverAuth\", \"1.3.6.1.4.1.99999.1\"]", "\"purposes\": [\"timeStamping\"]",
                        "extendedKeyUsage", "RFC 3161"),
                new Case("\"keyUsage\":", "\"ocspNoCheck\": true, \"keyUsage\":", "ocspNoCheck", "OCSPSigning"),
                new Case("\"keyUsage\":", "\"basicConstraints\": { \"pathLen\": 1 }, \"keyUsage\":", "basicConstraints.pathLen", "ca is true"),
                new Case("\"keyUsage\":", "\"nameConstraints\": { \"permittedDns\": [\"example.com\"] }, \"keyUsage\":",
                        "nameConstraints", "CA profiles"),
                new Case("\"oid\": \"1.3.6.1.4.1.99999.2.1\"", "\"oid\": \"policy-one\"", "certificatePolicies[0].oid", "dotted OID"),
                new Case("\"https://pki.example.com/cps\"", "\"ftp://pki.example.com/cps\"", "certificatePolicies[0].cpsUri", "http"),
                new Case("\"maxValidityDays\"", "\"maxValidity\": 3, \"maxValidityDays\"", "maxValidity", "unknown field"));
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            if (!GOOD.contains(c.from())) {
                failures.add("fixture does not contain " + c.from());
                continue;
            }
            String json = GOOD.replace(c.from(), c.to());
            try {
                new ProfileParser().parse("web.json", json);
                failures.add(c.field() + ": accepted");
            } catch (ProfileException e) {
                if (!e.source().equals("web.json") || !e.field().equals(c.field()) || !e.reason().contains(c.reason())) {
                    failures.add(c.field() + ": got " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void name_constraints_in_a_ca_profile_are_parsed() {
        String json = """
                { "name": "team-ca", "keys": { "ecCurves": ["P-256"] }, "maxValidityDays": 1000,
                  "subject": { "allowed": ["CN"], "required": ["CN"] },
                  "keyUsage": ["keyCertSign", "cRLSign"],
                  "basicConstraints": { "ca": true, "pathLen": 0 },
                  "nameConstraints": { "permittedDns": ["example.com"], "excludedIp": ["10.0.0.0/8"] } }
                """;
        Profile p = new ProfileParser().parse("team-ca.json", json);
        assertEquals(0, p.pathLen());
        assertEquals(List.of("example.com"), p.nameConstraints().permittedDns());
        byte[] block = Cidr.parse("10.0.0.0/8").encoded();
        assertEquals(List.of(10, 0, 0, 0, 255, 0, 0, 0), toInts(block));
        ProfileException e = assertThrows(ProfileException.class, () -> new ProfileParser().parse("team-ca.json",
                json.replace("\"10.0.0.0/8\"", "\"intranet\"")));
        assertEquals("nameConstraints.excludedIp[0]", e.field());
    }

    private static List<Integer> toInts(byte[] b) {
        List<Integer> out = new ArrayList<>();
        for (byte x : b) {
            out.add(x & 0xff);
        }
        return out;
    }
}
