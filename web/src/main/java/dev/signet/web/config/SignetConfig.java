package dev.signet.web.config;

import dev.signet.hsm.HsmConfig;
import java.net.URI;
import java.nio.file.Path;

/**
 * Everything the program is configured with, validated. Built by {@link ConfigLoader}; the
 * setting names in the Javadoc are those of the configuration file.
 *
 * @param host            {@code server.host}: the listen address
 * @param port            {@code server.port}: the listen port (0 picks a free one)
 * @param publicBaseUrl   {@code server.publicBaseUrl}: how clients reach this server; goes into
 *                        issued certificates (AIA caIssuers, later CRL DP and OCSP)
 * @param maxRequestBytes {@code limits.maxRequestBytes}: largest request body accepted
 * @param tls             {@code server.tls.*}: HTTPS with a PEM certificate and key, or null (off)
 * @param dataDir         {@code data.dir}: where the database and the software HSM's keys live
 * @param databaseFile    {@code database.file}: the SQLite file
 * @param hsm             {@code hsm.*}: the key boundary to open
 */
public record SignetConfig(
        String host,
        int port,
        URI publicBaseUrl,
        long maxRequestBytes,
        Tls tls,
        Path dataDir,
        Path databaseFile,
        Hsm hsm) {

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
