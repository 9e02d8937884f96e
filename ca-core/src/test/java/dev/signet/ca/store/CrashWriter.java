package dev.signet.ca.store;

import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * A child process for {@link CrashRecoveryTest}: stores certificates as fast as it can and prints
 * each serial once its commit has returned, until it is killed.
 */
public final class CrashWriter {

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Database db = Database.open(Path.of(args[0]));
        CertificateStore certs = new CertificateStore(db);
        Semaphore window = new Semaphore(64);
        for (long i = 1; ; i++) {
            window.acquire();
            String serial = Long.toHexString(i);
            certs.reserveAsync("root", serial, Fixtures.tbs(serial), "tls-server", "alice")
                    .thenCompose(v -> certs.storeAsync(Fixtures.cert("root", serial), Fixtures.issued("root", serial)))
                    .whenComplete((v, e) -> {
                        if (e == null) {
                            synchronized (System.out) {
                                System.out.println(serial);
                                System.out.flush();
                            }
                        }
                        window.release();
                    });
        }
    }
}
