package dev.signet.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.signet.ca.Csrs.LeafKey;
import dev.signet.hsm.KeyAlgorithm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsyncIssuanceTest {

    @Test
    void many_issuances_in_flight_each_complete_stored_with_a_distinct_serial(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (CaFixture f = new CaFixture(dir)) {
            CaInfo root = f.cas.createRoot(new NewCa("Async Root", "CN=Async Root", KeyAlgorithm.EC_P256, null, null, null), "admin");
            CaInfo ca = f.cas.createSubordinate(root.id(), new NewCa("Async Issuing", "CN=Async Issuing", KeyAlgorithm.EC_P256,
                    null, null, null), null, "admin");
            List<CompletableFuture<IssuedCertificate>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String host = "h" + i + ".example.com";
                futures.add(f.cas.issueAsync(ca.id(), "tls-server",
                        Csrs.csr(Csrs.keyPair(LeafKey.P256), "CN=" + host, List.of(Csrs.dns(host))), "alice", pool));
            }
            Set<String> serials = new HashSet<>();
            for (CompletableFuture<IssuedCertificate> fut : futures) {
                IssuedCertificate c = fut.join();
                serials.add(c.serial());
                // Completed means stored: it can be read back at once.
                assertEquals(c.certificatePem(), f.cas.find(ca.id(), c.serial()).orElseThrow().certificatePem());
            }
            assertEquals(50, serials.size());
            CaException bad = assertThrows(CaException.class,
                    () -> f.cas.issueAsync(ca.id(), "tls-server", new byte[] {1, 2, 3}, "alice", pool));
            assertEquals("csr-unparseable", bad.code());
        } finally {
            pool.shutdown();
        }
    }
}
