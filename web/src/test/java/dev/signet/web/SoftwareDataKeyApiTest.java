package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-key API on the software backend, and envelope encryption checked with the JDK's own AES-GCM. */
class SoftwareDataKeyApiTest extends DataKeyConformance {

    @TempDir
    static Path data;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    TestServer server() {
        return server;
    }

    @Test
    void a_generated_data_key_encrypts_a_file_with_the_jdk_cipher_and_unwraps_to_the_same_key(@TempDir Path dir) throws Exception {
        KeyAndToken k = keyWithToken("encrypt", "decrypt");
        HttpResponse<String> generated = server.postJson("/api/v1/keys/data/" + k.name() + "/datakey", k.token(),
                Map.of("context", CONTEXT));
        assertEquals(200, generated.statusCode(), generated.body());
        assertEquals("no-store", generated.headers().firstValue("Cache-Control").orElse(""));
        JsonNode pair = TestServer.json(generated);
        byte[] dataKey = Base64.getDecoder().decode(pair.get("plaintext").asText());
        assertEquals(32, dataKey.length);
        String wrapped = pair.get("ciphertext").asText();
        assertFalse(wrapped.contains(pair.get("plaintext").asText()));

        // Envelope encryption outside Signet: the JDK's AES-GCM, nothing of Signet's code.
        byte[] file = new byte[300_000];
        new SecureRandom().nextBytes(file);
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
        enc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, nonce));
        Path sealed = dir.resolve("file.enc");
        Files.write(sealed, enc.doFinal(file));
        Files.writeString(dir.resolve("file.key"), wrapped);

        // Later: unwrap the stored copy through the API and decrypt the file.
        byte[] unwrapped = plaintextOf(decrypt(k, Files.readString(dir.resolve("file.key")), CONTEXT));
        assertArrayEquals(dataKey, unwrapped, "unwrap returns the same key");
        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
        dec.init(Cipher.DECRYPT_MODE, new SecretKeySpec(unwrapped, "AES"), new GCMParameterSpec(128, nonce));
        assertArrayEquals(file, dec.doFinal(Files.readAllBytes(sealed)));
    }
}
