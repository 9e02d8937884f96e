package dev.signet.web.cli;

import dev.signet.web.SignetServer;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the server (default 127.0.0.1:8080, data in ./signet-data). "
                + "A first start creates demo CAs and prints an administrator token once.")
final class ServeCommand implements Runnable {

    @Mixin
    StoreOptions store;

    @Option(names = "--port", paramLabel = "N", description = "Listen port (default 8080, or server.port in the config file).")
    Integer port;

    @Option(names = "--responder", description = "Serve only OCSP, CRLs and CA certificates, with read-only access to a "
            + "database that full nodes keep (no TSA, API or UI; see README, Several nodes).")
    boolean responder;

    @Override
    public void run() {
        SignetServer server = responder ? SignetServer.startResponder(store.load(port))
                : SignetServer.start(store.load(port), System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM / Ctrl-C: finish in-flight requests, then close the database cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "signet-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
