package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.Csrs.LeafKey;
import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root CA's key signs CA certificates (and, later, CRLs and OCSP responders), not end-entity
 * certificates: CA/Browser Forum Baseline Requirements 6.1.7. A profile may allow it for a
 * one-tier private PKI.
 */
class RootIssuanceTest {

    @TempDir
    Path dir;

    private static byte[] csr() {
        return Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=www.example.com", List.of(Csrs.dns("www.example.com")));
    }

    private static NewCa ca(String name) {
        return new NewCa(name, "CN=" + name, KeyAlgorithm.EC_P256, null, null, "http://pki.test");
    }

    @Test
    void a_root_refuses_leaf_certificates_and_signer_identities_and_its_subordinate_issues_them() {
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = f.cas.createRoot(ca("Root"), "admin");
            CaInfo issuing = f.cas.createSubordinate(root.id(), ca("Issuing"), null, "admin");
            int signatures = f.hsm.signatures.get();
            CaException leaf = assertThrows(CaException.class, () -> f.cas.issue(root.id(), "tls-server", csr(), "alice"));
            assertEquals("root-issues-end-entity", leaf.code());
            assertEquals(CaException.Kind.POLICY_REFUSED, leaf.kind());
            CaException identity = assertThrows(CaException.class, () -> f.cas.createSignerIdentity(root.id(),
                    "document-signer", "CN=Signer,O=Example", KeyAlgorithm.EC_P256, "alice"));
            assertEquals("root-issues-end-entity", identity.code());
            assertEquals(signatures, f.hsm.signatures.get(), "nothing signed");
            assertTrue(f.hsm.list().stream().noneMatch(k -> k.label().startsWith("identity-")), "the identity's key was destroyed");

            assertEquals(List.of("DNS:www.example.com"), f.cas.issue(issuing.id(), "tls-server", csr(), "alice").subjectAltNames());
            f.cas.createSignerIdentity(issuing.id(), "document-signer", "CN=Signer,O=Example", KeyAlgorithm.EC_P256, "alice");
            // Subordinate CAs are what a root is for.
            f.cas.createSubordinate(root.id(), ca("Another"), null, "admin");
        }
    }

    @Test
    void a_profile_may_let_a_root_issue_for_a_one_tier_pki() throws Exception {
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Files.writeString(profiles.resolve("one-tier.json"), """
                {"name": "one-tier", "keys": {"ecCurves": ["P-256"]}, "maxValidityDays": 30,
                 "subject": {"allowed": ["CN"]}, "subjectAltNames": {"required": true, "dns": ["^[a-z.]+$"]},
                 "keyUsage": ["digitalSignature"], "extendedKeyUsage": {"purposes": ["serverAuth"]},
                 "issuableByRoot": true}
                """);
        try (CaFixture f = new CaFixture(dir, Profiles.load(profiles))) {
            CaInfo root = f.cas.createRoot(ca("Root"), "admin");
            f.cas.issue(root.id(), "one-tier", csr(), "alice");
            assertEquals("root-issues-end-entity",
                    assertThrows(CaException.class, () -> f.cas.issue(root.id(), "tls-server", csr(), "alice")).code());
        }
    }
}
