package dev.signet.web.config;

import dev.signet.ca.RevocationSettings;
import dev.signet.ca.DatabaseConfig;

import dev.signet.hsm.HsmConfig;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * Everything the program is configured with, validated. Built by {@link ConfigLoader}; the
 * setting names in the Javadoc are those of the configuration file.
 *
 * @param host            {@code server.host}: the listen address
 * @param port            {@code server.port}: the listen port (0 picks a free one)
 * @param publicBaseUrl   {@code server.publicBaseUrl}: how clients reach this server; goes into
 *                        issued certificates (AIA caIssuers, CRL DP and OCSP). Without the
 *                        setting, {@code http(s)://host:port} of the listening socket
 * @param maxRequestBytes {@code limits.maxRequestBytes}: largest request body accepted
 * @param tls             {@code server.tls.*}: HTTPS with a PEM certificate and key, or null (off)
 * @param trustedProxies  {@code server.trustedProxies}: addresses of TLS-terminating proxies in
 *                        front of the server; only from these is {@code X-Forwarded-For} read
 * @param dataDir         {@code data.dir}: where the database and the software HSM's keys live
 * @param database        {@code database.file}: the SQLite file, or {@code database.url}, {@code database.user}
 *                        and {@code database.passwordEnv}/{@code database.passwordFile}: a PostgreSQL database
 * @param profilesDir     {@code profiles.dir}: operator certificate profiles ({@code *.json}),
 *                        loaded beside the built-ins when the directory exists
 * @param hsm             {@code hsm.*}: the key boundary to open
 * @param signing         {@code limits.maxDocumentBytes}, {@code limits.maxValidationBytes}: document signing
 *                        and validation
 * @param tsa             {@code tsa.*}: the time-stamp authorities
 */
public record SignetConfig(
        String host,
        int port,
        URI publicBaseUrl,
        long maxRequestBytes,
        Tls tls,
        Set<InetAddress> trustedProxies,
        Path dataDir,
        DatabaseConfig database,
        Path profilesDir,
        Hsm hsm,
        Signing signing,
        Tsa tsa,
        RevocationSettings revocation) {

    public SignetConfig {
        trustedProxies = Set.copyOf(trustedProxies);
    }

    /** This configuration with another HSM (the same store opened with a new passphrase, after a change). */
    public SignetConfig withHsm(Hsm other) {
        return new SignetConfig(host, port, publicBaseUrl, maxRequestBytes, tls, trustedProxies, dataDir, database,
                profilesDir, other, signing, tsa, revocation);
    }

    /**
     * This configuration once the server listens on {@code boundPort}: with port 0 (pick a free
     * one), a base URL derived from the listen address would otherwise say {@code :0}.
     */
    public SignetConfig listeningOn(int boundPort) {
        if (boundPort == port) {
            return this;
        }
        boolean derived = publicBaseUrl.equals(defaultBaseUrl(host, port, tls != null));
        URI url = derived ? defaultBaseUrl(host, boundPort, tls != null) : publicBaseUrl;
        return new SignetConfig(host, boundPort, url, maxRequestBytes, tls, trustedProxies, dataDir, database,
                profilesDir, hsm, signing, tsa, revocation);
    }

    /** The SQLite file, or null when the database is PostgreSQL. */
    public Path databaseFile() {
        return database instanceof DatabaseConfig.Sqlite sqlite ? sqlite.file() : null;
    }

    /** The base URL when none is configured: the listen address, loopback for a wildcard one. */
    static URI defaultBaseUrl(String host, int port, boolean https) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        if (h.equals("0.0.0.0") || h.equals("[::]")) {
            h = "127.0.0.1";
        }
        return URI.create((https ? "https" : "http") + "://" + h + ":" + port);
    }

    /**
     * Document signing.
     *
     * @param maxDocumentBytes {@code limits.maxDocumentBytes}: largest document accepted for signing
     *                         (streamed to a temporary file; apart from the JSON limit)
     * @param maxValidationBytes {@code limits.maxValidationBytes}: largest PDF accepted for validation
     *                         (API and UI; streamed to a temporary file, deleted when refused or done)
     */
    public record Signing(long maxDocumentBytes, long maxValidationBytes) {

        /** The default of {@code limits.maxValidationBytes}: 64 MiB. */
        public static final long DEFAULT_MAX_VALIDATION_BYTES = 64L << 20;
    }

    /**
     * The time-stamp authorities: {@code authorities} (the default one, at {@code /tsa}, first), the
     * largest query accepted, and the external TSA that Signet's own signatures use instead of the
     * built-in one when {@code externalUrl} is set (null: off, Signet stays air-gapped).
     */
    public record Tsa(java.util.List<dev.signet.ca.TsaSettings> authorities, int maxQueryBytes, URI externalUrl,
            java.time.Duration externalTimeout, TimeSource timeSource) {}

    /**
     * {@code tsa.timeSource}: {@code system} (the default: the system clock as it is, air-gapped),
     * or {@code ntp}: the TSAs give the time only while at least {@code minAgreeing} of {@code servers}
     * ({@code host[:port]}) answered within {@code stale} with offsets within {@code maxOffset} of
     * each other, and their median offset is at most {@code maxOffset}; every server is asked every
     * {@code poll}, each with {@code timeout}. {@code servers} is empty for {@code system}.
     */
    public record TimeSource(boolean ntp, java.util.List<String> servers, java.time.Duration maxOffset,
            java.time.Duration poll, java.time.Duration stale, java.time.Duration timeout, int minAgreeing) {}

    /** HTTPS: a PEM certificate chain and its PEM private key. */
    public record Tls(Path certificateFile, Path privateKeyFile) {}

    /**
     * The HSM to open. For the software backend with no passphrase source configured,
     * {@code generatedPassphraseFile} is where a first start writes a random passphrase.
     */
    public record Hsm(HsmConfig config, Path generatedPassphraseFile) {

        public String backend() {
            return config instanceof HsmConfig.Pkcs11 ? "pkcs11" : "software";
        }
    }
}
