package dev.signet.web;

import dev.signet.web.auth.Authenticator;
import dev.signet.web.auth.Guard;
import dev.signet.web.auth.StoreSecurityAudit;
import dev.signet.web.auth.StoreTokenDirectory;
import dev.signet.web.config.SignetConfig;
import dev.signet.web.http.ClientAddress;
import dev.signet.web.http.HttpMetrics;
import dev.signet.web.http.ListenSocket;
import dev.signet.web.http.TlsConnector;
import dev.signet.web.pki.OcspEndpoint;
import dev.signet.web.api.TsaFastPath;
import dev.signet.web.pki.OcspFastPath;
import java.io.PrintStream;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Signet: the opened services behind the HTTP server. Closing stops both, HTTP first. */
public final class SignetServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SignetServer.class);

    private final Services services;
    private final HttpServer http;

    private SignetServer(Services services, HttpServer http) {
        this.services = services;
        this.http = http;
    }

    /** Opens the data, completes a first start if needed (printing to {@code console}), and serves. */
    public static SignetServer start(SignetConfig config, PrintStream console) {
        TlsConnector tls = config.tls() == null ? null
                : TlsConnector.fromPem(config.tls().certificateFile(), config.tls().privateKeyFile());
        ServerSocketChannel listener = ListenSocket.bind(config.host(), config.port());
        Services services;
        try {
            services = FirstStart.openAndRun(config.listeningOn(ListenSocket.port(listener)), FirstStart.Plan.DEMO, console);
        } catch (RuntimeException e) {
            ListenSocket.close(listener);
            throw e;
        }
        try {
            services.revocations().start();
            services.watchOtherNodes();
            Clock clock = Clock.systemUTC();
            Guard guard = new Guard(new Authenticator(new StoreTokenDirectory(services.access()), clock),
                    new StoreSecurityAudit(services.auditLog(), services.anonymousRefusals()));
            // OCSP and the TSA are answered ahead of Javalin (their rates are the point); the rest goes on to it.
            HttpMetrics httpMetrics = new HttpMetrics(services.metrics());
            OcspFastPath fastPaths = new OcspFastPath(new OcspEndpoint(services.revocations()));
            fastPaths.setHandler(new TsaFastPath(Routes.tsaEndpoint(services), httpMetrics));
            HttpServer http = HttpServer.start(listener, config.maxRequestBytes(),
                    Routes.table(services), guard, httpMetrics, tls,
                    new ClientAddress(config.trustedProxies()), fastPaths);
            LOG.info("Signet serves {}://{}:{} (data {}, HSM {})", tls == null ? "http" : "https",
                    config.host(), http.port(), config.dataDir(), services.hsmBackend());
            return new SignetServer(services, http);
        } catch (RuntimeException e) {
            ListenSocket.close(listener);
            services.close();
            throw e;
        }
    }

    /**
     * Starts a read-only node (a responder): OCSP, CRLs and CA certificates from a database that
     * full nodes keep, with read-only access to it. The TSA is not served: every token it issues
     * must be recorded and audited before it is returned, which a node that cannot write cannot do.
     */
    public static SignetServer startResponder(SignetConfig config) {
        TlsConnector tls = config.tls() == null ? null
                : TlsConnector.fromPem(config.tls().certificateFile(), config.tls().privateKeyFile());
        ServerSocketChannel listener = ListenSocket.bind(config.host(), config.port());
        Services services;
        try {
            services = Services.openResponder(config.listeningOn(ListenSocket.port(listener)));
        } catch (RuntimeException e) {
            ListenSocket.close(listener);
            throw e;
        }
        try {
            services.revocations().startServingOnly();
            services.watchOtherNodes();
            Clock clock = Clock.systemUTC();
            Guard guard = new Guard(new Authenticator(new StoreTokenDirectory(services.access()), clock),
                    new StoreSecurityAudit(services.auditLog(), services.anonymousRefusals()));
            HttpServer http = HttpServer.start(listener, config.maxRequestBytes(), Routes.responder(services), guard,
                    new HttpMetrics(services.metrics()), tls, new ClientAddress(config.trustedProxies()),
                    new OcspFastPath(new OcspEndpoint(services.revocations())));
            LOG.info("Signet responder (read-only) serves {}://{}:{} (HSM {})", tls == null ? "http" : "https",
                    config.host(), http.port(), services.hsmBackend());
            return new SignetServer(services, http);
        } catch (RuntimeException e) {
            ListenSocket.close(listener);
            services.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    public Services services() {
        return services;
    }

    HttpServer http() {
        return http;
    }

    @Override
    public void close() {
        try {
            http.close();
        } finally {
            services.close();
        }
    }
}
