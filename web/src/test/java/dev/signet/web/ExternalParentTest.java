package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA whose parent is outside Signet: the API hands out its CSR, an OpenSSL root signs it, the
 * certificate is imported, and what the new CA issues verifies with OpenSSL up to that root.
 */
class ExternalParentTest {

    @TempDir
    Path data;

    @TempDir
    Path w;

    private void openssl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Commands.run(w, cmd);
    }

    @Test
    void a_ca_signed_by_an_outside_root_is_imported_and_issues_verifiable_certificates() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            String admin = s.token("admin");
            HttpResponse<String> created = s.postJson("/api/v1/cas", admin,
                    Map.of("name", "Outside Child", "subject", "CN=Outside Child CA,O=Example", "external", true));
            assertEquals(201, created.statusCode(), created.body());
            JsonNode pending = TestServer.json(created);
            assertEquals("pending", pending.get("ca").get("status").asText());
            String caId = pending.get("ca").get("id").asText();
            Files.writeString(w.resolve("child.csr"), pending.get("csrPem").asText());

            // Until it has a certificate, the pending CA issues nothing.
            String officer = s.token("officer");
            HttpResponse<String> early = s.postJson("/api/v1/cas/" + caId + "/certificates", officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("early.example.com")));
            assertEquals(409, early.statusCode(), early.body());

            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key",
                    "-out", "root.pem", "-days", "30", "-subj", "/CN=Outside Root", "-addext", "basicConstraints=critical,CA:true",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            Files.writeString(w.resolve("ext.cnf"), "basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
                    + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
            openssl("x509", "-req", "-in", "child.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
                    "-days", "20", "-sha256", "-extfile", "ext.cnf", "-out", "child.pem");

            HttpResponse<String> imported = s.postJson("/api/v1/cas/" + caId + "/certificate", admin,
                    Map.of("certificatePem", Files.readString(w.resolve("child.pem")), "chainPem", Files.readString(w.resolve("root.pem"))));
            assertEquals(200, imported.statusCode(), imported.body());
            assertEquals("active", TestServer.json(imported).get("status").asText());

            HttpResponse<String> issued = s.postJson("/api/v1/cas/" + caId + "/certificates", officer,
                    Map.of("profile", "tls-server", "csr", Csrs.tlsServerPem("outside.example.com")));
            assertEquals(201, issued.statusCode(), issued.body());
            JsonNode c = TestServer.json(issued);
            Files.writeString(w.resolve("leaf.pem"), c.get("certificatePem").asText());
            Files.writeString(w.resolve("chain.pem"), c.get("chainPem").asText());
            openssl("verify", "-x509_strict", "-CAfile", "root.pem", "-untrusted", "chain.pem", "leaf.pem");
        }
    }
}
