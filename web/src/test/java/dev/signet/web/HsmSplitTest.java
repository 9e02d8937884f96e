package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.ca.StoreException;
import dev.signet.web.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose HSM is not the database's is refused with a message that says why, rather than
 * splitting the CA: here a second node with the software backend and a key directory of its own
 * (as on a second machine), on the first node's database.
 */
class HsmSplitTest {

    @TempDir
    Path dir;

    @Test
    void a_second_node_with_its_own_software_key_directory_is_refused_and_told_to_use_pkcs11() throws Exception {
        Path data = dir.resolve("data");
        Path database = data.resolve("signet.db");
        try (TestServer first = TestServer.start(data)) {
            assertEquals(200, first.get("/health", null).statusCode());
            Path elsewhere = Files.writeString(dir.resolve("elsewhere.yaml"), "database.file: " + database
                    + "\nhsm.software.keyDir: " + dir.resolve("other-machine-keys") + "\n");
            StoreException refused = assertThrows(StoreException.class, () -> SignetServer.start(
                    new ConfigLoader(TestServer.ENV).load(elsewhere, dir.resolve("other-data"), 0),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
            assertTrue(refused.getMessage().contains("another audit key"), refused.getMessage());
            assertTrue(refused.getMessage().contains("pkcs11"), refused.getMessage());
            assertEquals(2, first.server.services().authorities().list().size(), "the refused node created nothing");
        }
    }
}
