package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.SignerIdentity;
import dev.signet.ca.AuditEntry;
import dev.signet.ca.AuditQuery;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.KeyPurpose;
import dev.signet.hsm.SignedObject;
import dev.signet.hsm.software.LegacyKeyLayout;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory from before key purposes (key files without a purpose, roots' certificates only
 * in their CA records) starts, gets each key's purpose, audits that, and keeps issuing and signing.
 */
class KeyPurposeUpgradeTest {

    @Test
    void a_data_directory_from_before_key_purposes_starts_upgrades_its_keys_and_keeps_issuing(@TempDir Path data) throws Exception {
        String identityId;
        String issuingId;
        HsmConfig.Software hsm;
        try (TestServer s = TestServer.start(data)) {
            issuingId = s.server.services().authorities().list().stream().filter(c -> c.parentId() != null)
                    .findFirst().orElseThrow().id();
            identityId = s.server.services().authorities().createSignerIdentity(issuingId, "document-signer",
                    "CN=Old Signer", KeyAlgorithm.EC_P256, "officer").id();
            hsm = (HsmConfig.Software) s.server.services().config().hsm().config();
        }
        // The previous layout: no purpose in any key file, and a root's own certificate not in the certificate table.
        LegacyKeyLayout.removePurposes(hsm.directory(), hsm.passphrase());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("signet.db"))) {
            c.createStatement().executeUpdate("DELETE FROM certificate WHERE profile = 'root-ca'");
        }

        try (TestServer s = TestServer.start(data)) {
            String auditor = s.token("auditor");
            JsonNode keys = TestServer.json(s.get("/api/v1/keys", auditor));
            Map<String, String> purposeByOwner = new HashMap<>();
            for (JsonNode k : keys) {
                assertNotNull(k.get("purpose").textValue(), "every key has its purpose after the upgrade: " + k);
                purposeByOwner.put(k.get("owner").asText(), k.get("purpose").asText());
            }
            assertEquals("AUDIT", purposeByOwner.get("audit"));
            assertEquals("CA", purposeByOwner.get("ca:" + issuingId));
            assertEquals("DOCUMENT", purposeByOwner.get("identity:" + identityId));
            assertEquals(keys.size(), purposeByOwner.size(), "every key has an owner: " + keys);

            List<AuditEntry> upgrades = s.server.services().auditLog()
                    .list(new AuditQuery(null, "key.purpose-assigned", null, null, 0, 100)).items();
            assertEquals(keys.size(), upgrades.size(), "one audit entry per upgraded key");

            String officer = s.token("officer");
            HttpResponse<String> issued = s.postJson("/api/v1/cas/" + issuingId + "/certificates", officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("after-upgrade.example.com")));
            assertEquals(201, issued.statusCode(), issued.body());

            SignerIdentity identity = s.server.services().authorities().findSignerIdentity(identityId);
            assertEquals(KeyPurpose.DOCUMENT, identity.signer().purpose());
            identity.signer().signDigest(SignedObject.DOCUMENT_SIGNATURE, identity.signer().defaultAlgorithm(),
                    MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3}));
            assertTrue(s.server.services().auditLog().verify().intact(), "the audit chain still verifies");
        }

        try (TestServer s = TestServer.start(data)) {
            long upgrades = s.server.services().auditLog()
                    .list(new AuditQuery(null, "key.purpose-assigned", null, null, 0, 100)).total();
            JsonNode keys = TestServer.json(s.get("/api/v1/keys", s.token("auditor")));
            assertEquals(keys.size(), upgrades, "a second start upgrades nothing again");
            assertTrue(StreamSupport.stream(keys.spliterator(), false).allMatch(k -> k.hasNonNull("created")));
        }
    }
}
