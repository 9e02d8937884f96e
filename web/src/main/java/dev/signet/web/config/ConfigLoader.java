package dev.signet.web.config;

import dev.signet.ca.RevocationSettings;
import dev.signet.ca.DatabaseConfig;
import java.time.Duration;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.signet.ca.TsaSettings;
import dev.signet.hsm.HsmConfig;
import dev.signet.hsm.KeyAlgorithm;
import dev.signet.hsm.SecretSource;
import dev.signet.web.http.ClientAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the one configuration file (YAML, or Java properties when the name ends in
 * {@code .properties}) into a validated {@link SignetConfig}. Nested YAML and dotted keys are the
 * same thing: {@code hsm: {backend: pkcs11}} and {@code hsm.backend: pkcs11} both set
 * {@code hsm.backend}. Secrets never appear in the file: it names an environment variable or a
 * file that holds them. Unknown settings are refused, so a typo does not silently fall back to a
 * default. See samples/config/signet.example.yaml for every setting.
 */
public final class ConfigLoader {

    /** The environment variable read for the software HSM's passphrase unless configured otherwise. */
    public static final String DEFAULT_PASSPHRASE_ENV = "SIGNET_HSM_PASSPHRASE";

    static final Set<String> KNOWN = Set.of(
            "server.host", "server.port", "server.publicBaseUrl",
            "server.tls.certificate", "server.tls.privateKey", "server.trustedProxies",
            "limits.maxRequestBytes", "limits.maxDocumentBytes", "limits.maxValidationBytes",
            "data.dir", "database.file", "database.url", "database.user", "database.passwordEnv", "database.passwordFile",
            "database.socketTimeoutSeconds",
            "profiles.dir",
            "hsm.backend",
            "hsm.software.keyDir", "hsm.software.passphraseFile", "hsm.software.passphraseEnv",
            "hsm.pkcs11.library", "hsm.pkcs11.tokenLabel", "hsm.pkcs11.pinEnv", "hsm.pkcs11.pinFile",
            "hsm.pkcs11.sessions",
            "tsa.policy", "tsa.accuracyMillis", "tsa.acceptSha1", "tsa.keyAlgorithm", "tsa.subject", "tsa.ca",
            "tsa.maxQueryBytes", "tsa.external.url", "tsa.external.timeoutMillis",
            "tsa.timeSource", "tsa.ntp.servers", "tsa.ntp.maxOffsetMillis", "tsa.ntp.pollMillis", "tsa.ntp.staleMillis",
            "tsa.ntp.timeoutMillis", "tsa.ntp.minAgreeing",
            "crl.validitySeconds", "crl.deltas", "crl.deltaValiditySeconds", "crl.afterRevocationSeconds",
            "ocsp.validitySeconds", "ocsp.signWithCaKey", "revocation.pollMillis");
    /** The settings of each further TSA, {@code tsa.authorities.<name>.<setting>}. */
    static final Set<String> TSA_AUTHORITY_KNOWN = Set.of("policy", "accuracyMillis", "acceptSha1", "keyAlgorithm", "subject", "ca");
    /** The demo TSA policy: an OID under the UUID arc (X.667, 2.25), which needs no registration. Set your own. */
    public static final String DEMO_TSA_POLICY = "2.25.258096212928454086049573375516833230841";

    private final Map<String, String> environment;

    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Loads {@code file} (may be null: all defaults) and applies the command-line overrides
     * (each may be null).
     */
    public SignetConfig load(Path file, Path dataDirOverride, Integer portOverride) {
        Map<String, String> settings = file == null ? new TreeMap<>() : read(file);
        if (dataDirOverride != null) {
            settings.put("data.dir", dataDirOverride.toString());
        }
        if (portOverride != null) {
            settings.put("server.port", portOverride.toString());
        }
        return build(settings);
    }

    /** Reads and flattens a file into dotted settings, refusing unknown names. */
    static Map<String, String> read(Path file) {
        // Not only regular files: a pipe (--config <(...)) or a mounted secret is fine too.
        if (!Files.exists(file) || Files.isDirectory(file)) {
            throw new ConfigException("--config", "no such file: " + file);
        }
        Map<String, String> settings = new TreeMap<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (file.getFileName().toString().endsWith(".properties")) {
                Properties p = new Properties();
                p.load(in);
                p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k).strip()));
            } else {
                JsonNode root = new YAMLMapper().readTree(in);
                if (root != null && !root.isMissingNode() && !root.isNull()) {
                    if (!root.isObject()) {
                        throw new ConfigException("--config", file + " is not a mapping of settings");
                    }
                    flatten("", root, settings);
                }
            }
        } catch (JacksonException e) {
            throw new ConfigException("--config", file + " is not valid YAML (line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
        for (String key : settings.keySet()) {
            if (!KNOWN.contains(key) && !isTsaAuthoritySetting(key)) {
                throw new ConfigException(key, "unknown setting (see samples/config/signet.example.yaml)");
            }
        }
        return settings;
    }

    private static boolean isTsaAuthoritySetting(String key) {
        String prefix = "tsa.authorities.";
        if (!key.startsWith(prefix)) {
            return false;
        }
        String[] parts = key.substring(prefix.length()).split("\\.", -1);
        return parts.length == 2 && !parts[0].isEmpty() && TSA_AUTHORITY_KNOWN.contains(parts[1]);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = prefix + f.getKey();
            JsonNode v = f.getValue();
            if (v.isObject()) {
                flatten(key + ".", v, out);
            } else if (v.isValueNode() && !v.isNull()) {
                out.put(key, v.asText().strip());
            } else if (!v.isNull()) {
                throw new ConfigException(key, "expected a single value");
            }
        }
    }

    private SignetConfig build(Map<String, String> s) {
        Settings settings = new Settings(s);
        String host = settings.text("server.host", "127.0.0.1");
        int port = settings.integer("server.port", 8080, 0, 65535);
        SignetConfig.Tls tls = tls(settings);
        URI baseUrl = baseUrl(settings, host, port, tls != null);
        long maxRequest = settings.integer("limits.maxRequestBytes", 1 << 20, 1024, Integer.MAX_VALUE);
        Path dataDir = Path.of(settings.text("data.dir", "./signet-data")).toAbsolutePath().normalize();
        DatabaseConfig database = database(settings, dataDir);
        Path profiles = settings.pathIn(dataDir, "profiles.dir", "profiles");
        SignetConfig.Hsm hsm = hsm(settings, dataDir);
        long maxDocument = settings.integer("limits.maxDocumentBytes", 1 << 30, 1024, Integer.MAX_VALUE);
        long maxValidation = settings.integer("limits.maxValidationBytes",
                (int) SignetConfig.Signing.DEFAULT_MAX_VALIDATION_BYTES, 1024, Integer.MAX_VALUE);
        SignetConfig.Tsa tsa = tsa(settings);
        return new SignetConfig(host, port, baseUrl, maxRequest, tls, trustedProxies(settings), dataDir, database,
                profiles, hsm, new SignetConfig.Signing(maxDocument, maxValidation), tsa, revocation(settings));
    }

    /** SQLite in the data directory unless {@code database.url} names a PostgreSQL database. */
    private DatabaseConfig database(Settings s, Path dataDir) {
        String url = s.text("database.url", null);
        if (url == null) {
            s.refuseAll("database.user", "database.url is not set (the database is the SQLite file)");
            s.refuseAll("database.password", "database.url is not set (the database is the SQLite file)");
            s.refuseAll("database.socketTimeout", "database.url is not set (the database is the SQLite file)");
            return DatabaseConfig.sqlite(s.pathIn(dataDir, "database.file", "signet.db"));
        }
        if (!url.startsWith(DatabaseConfig.Postgres.URL_PREFIX)) {
            throw new ConfigException("database.url", "must be " + DatabaseConfig.Postgres.URL_PREFIX + "HOST:PORT/DB (PostgreSQL)");
        }
        if (url.contains("password=")) {
            throw new ConfigException("database.url", "must not carry the password: set database.passwordEnv or database.passwordFile");
        }
        s.refuseAll("database.file", "database.url is set");
        String user = s.required("database.user");
        String passwordEnv = s.text("database.passwordEnv", null);
        String passwordFile = s.text("database.passwordFile", null);
        if ((passwordEnv == null) == (passwordFile == null)) {
            throw new ConfigException("database.passwordEnv", "set exactly one of database.passwordEnv and database.passwordFile");
        }
        SecretSource password = passwordEnv != null
                ? env("database.passwordEnv", passwordEnv)
                : SecretSource.file(s.readableFile("database.passwordFile"));
        // At least 5 s: the writer may wait that long behind another node's batch on a busy database.
        int socketTimeout = s.integer("database.socketTimeoutSeconds",
                (int) DatabaseConfig.Postgres.DEFAULT_SOCKET_TIMEOUT.toSeconds(), 5, 3600);
        return new DatabaseConfig.Postgres(url, user, password, Duration.ofSeconds(socketTimeout));
    }

    private static RevocationSettings revocation(Settings s) {
        RevocationSettings d = RevocationSettings.defaults();
        return new RevocationSettings(
                Duration.ofSeconds(s.integer("crl.validitySeconds", (int) d.crlValidity().toSeconds(), 120, 366 * 86400)),
                s.bool("crl.deltas", d.deltaCrls()),
                Duration.ofSeconds(s.integer("crl.deltaValiditySeconds", (int) d.deltaCrlValidity().toSeconds(), 60, 31 * 86400)),
                Duration.ofSeconds(s.integer("crl.afterRevocationSeconds", (int) d.crlAfterRevocation().toSeconds(), 1, 86400)),
                Duration.ofSeconds(s.integer("ocsp.validitySeconds", (int) d.ocspValidity().toSeconds(), 60, 31 * 86400)),
                s.bool("ocsp.signWithCaKey", d.ocspWithCaKey()),
                Duration.ofMillis(s.integer("revocation.pollMillis", (int) d.poll().toMillis(), 50, 600_000)));
    }

    /** Comma-separated IP addresses (no names: they would need DNS, and DNS can lie). */
    private static Set<InetAddress> trustedProxies(Settings s) {
        String list = s.text("server.trustedProxies", null);
        Set<InetAddress> out = new LinkedHashSet<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String item : list.split(",")) {
            InetAddress a = ClientAddress.literal(item).orElseThrow(() -> new ConfigException("server.trustedProxies",
                    "not an IP address: '" + item.strip() + "' (list the proxies' addresses, comma-separated)"));
            out.add(a);
        }
        return out;
    }

    private static URI baseUrl(Settings s, String host, int port, boolean https) {
        String configured = s.text("server.publicBaseUrl", null);
        if (configured == null) {
            return SignetConfig.defaultBaseUrl(host, port, https);
        }
        try {
            URI uri = new URI(configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null || uri.getFragment() != null) {
                throw new ConfigException("server.publicBaseUrl", "must be an absolute http(s) URL without query, e.g. https://ca.example.com");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("server.publicBaseUrl", "not a URL: " + e.getReason());
        }
    }

    private static SignetConfig.Tls tls(Settings s) {
        String cert = s.text("server.tls.certificate", null);
        String key = s.text("server.tls.privateKey", null);
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null) {
            throw new ConfigException("server.tls.certificate", "required when server.tls.privateKey is set");
        }
        if (key == null) {
            throw new ConfigException("server.tls.privateKey", "required when server.tls.certificate is set");
        }
        return new SignetConfig.Tls(s.readableFile("server.tls.certificate"), s.readableFile("server.tls.privateKey"));
    }

    private SignetConfig.Hsm hsm(Settings s, Path dataDir) {
        String backend = s.text("hsm.backend", "software");
        switch (backend) {
            case "software" -> {
                s.refuseAll("hsm.pkcs11.", "hsm.backend is software");
                Path keyDir = s.pathIn(dataDir, "hsm.software.keyDir", "keys");
                String file = s.text("hsm.software.passphraseFile", null);
                if (file != null) {
                    return new SignetConfig.Hsm(new HsmConfig.Software(keyDir,
                            SecretSource.file(s.readableFile("hsm.software.passphraseFile"))), null);
                }
                String envName = s.text("hsm.software.passphraseEnv", null);
                if (envName != null) {
                    return new SignetConfig.Hsm(new HsmConfig.Software(keyDir, env("hsm.software.passphraseEnv", envName)), null);
                }
                if (nonEmpty(environment.get(DEFAULT_PASSPHRASE_ENV))) {
                    return new SignetConfig.Hsm(new HsmConfig.Software(keyDir,
                            new SecretSource.Env(DEFAULT_PASSPHRASE_ENV, environment)), null);
                }
                Path generated = dataDir.resolve("secrets").resolve("hsm-passphrase");
                return new SignetConfig.Hsm(new HsmConfig.Software(keyDir, SecretSource.file(generated)), generated);
            }
            case "pkcs11" -> {
                s.refuseAll("hsm.software.", "hsm.backend is pkcs11");
                Path library = s.readableFile("hsm.pkcs11.library");
                String token = s.required("hsm.pkcs11.tokenLabel");
                String pinEnv = s.text("hsm.pkcs11.pinEnv", null);
                String pinFile = s.text("hsm.pkcs11.pinFile", null);
                if ((pinEnv == null) == (pinFile == null)) {
                    throw new ConfigException("hsm.pkcs11.pinEnv", "set exactly one of hsm.pkcs11.pinEnv and hsm.pkcs11.pinFile");
                }
                SecretSource pin = pinEnv != null
                        ? env("hsm.pkcs11.pinEnv", pinEnv)
                        : SecretSource.file(s.readableFile("hsm.pkcs11.pinFile"));
                int sessions = (int) s.integer("hsm.pkcs11.sessions", 4, 1, 1024);
                return new SignetConfig.Hsm(new HsmConfig.Pkcs11(library, token, pin, sessions), null);
            }
            default -> throw new ConfigException("hsm.backend", "must be software or pkcs11, not '" + backend + "'");
        }
    }

    private static SignetConfig.Tsa tsa(Settings s) {
        java.util.List<TsaSettings> all = new java.util.ArrayList<>();
        all.add(tsaAuthority(s, "tsa.", TsaSettings.DEFAULT, DEMO_TSA_POLICY, "CN=Signet Demo TSA,O=Signet"));
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String key : s.values().keySet()) {
            if (isTsaAuthoritySetting(key)) {
                names.add(key.split("\\.")[2]);
            }
        }
        for (String name : names) {
            if (TsaSettings.DEFAULT.equals(name)) {
                throw new ConfigException("tsa.authorities.default", "the default TSA is configured by the tsa.* settings");
            }
            all.add(tsaAuthority(s, "tsa.authorities." + name + ".", name, null, "CN=Signet TSA " + name + ",O=Signet"));
        }
        int maxQuery = s.integer("tsa.maxQueryBytes", 16 * 1024, 256, 1 << 20);
        URI external = null;
        String url = s.text("tsa.external.url", null);
        if (url != null) {
            try {
                external = new URI(url);
            } catch (URISyntaxException e) {
                throw new ConfigException("tsa.external.url", "not a URL: " + e.getReason());
            }
            if (!("http".equals(external.getScheme()) || "https".equals(external.getScheme())) || external.getHost() == null) {
                throw new ConfigException("tsa.external.url", "must be an absolute http(s) URL");
            }
        }
        int timeout = s.integer("tsa.external.timeoutMillis", 10_000, 100, 600_000);
        return new SignetConfig.Tsa(java.util.List.copyOf(all), maxQuery, external, java.time.Duration.ofMillis(timeout),
                timeSource(s, all.get(0).accuracy()));
    }

    /** {@code tsa.timeSource} and {@code tsa.ntp.*}; the maximum offset defaults to the default TSA's accuracy. */
    private static SignetConfig.TimeSource timeSource(Settings s, java.time.Duration accuracy) {
        String kind = s.text("tsa.timeSource", "system");
        if (!"system".equals(kind) && !"ntp".equals(kind)) {
            throw new ConfigException("tsa.timeSource", "must be system or ntp, not '" + kind + "'");
        }
        String list = s.text("tsa.ntp.servers", null);
        java.util.List<String> servers = new java.util.ArrayList<>();
        if (list != null) {
            for (String item : list.split(",")) {
                String server = item.strip();
                if (!server.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
                    throw new ConfigException("tsa.ntp.servers", "not a host or host:port: '" + server + "'");
                }
                if (servers.contains(server)) {
                    // it would count twice towards tsa.ntp.minAgreeing
                    throw new ConfigException("tsa.ntp.servers", "'" + server + "' is listed twice");
                }
                servers.add(server);
            }
        }
        if ("ntp".equals(kind) && servers.isEmpty()) {
            throw new ConfigException("tsa.ntp.servers", "tsa.timeSource ntp needs at least one server");
        }
        int maxOffset = s.integer("tsa.ntp.maxOffsetMillis", accuracy.isZero() ? 1000 : (int) accuracy.toMillis(), 1, 3_600_000);
        int poll = s.integer("tsa.ntp.pollMillis", 16_000, 100, 3_600_000);
        int stale = s.integer("tsa.ntp.staleMillis", Math.max(3 * poll, 1000), 100, 86_400_000);
        int timeout = s.integer("tsa.ntp.timeoutMillis", 2_000, 50, 60_000);
        if (stale < poll) {
            throw new ConfigException("tsa.ntp.staleMillis", "must be at least tsa.ntp.pollMillis (" + poll + ")");
        }
        // A majority of the configured servers by default: then two groups that disagree can never both
        // have it, and one wrong server (a falseticker, a spoofed answer) can neither vouch for a wrong
        // clock nor, while the others agree, stop the TSAs. One server: 1, as before; two: both.
        int minAgreeing = s.integer("tsa.ntp.minAgreeing", servers.size() / 2 + 1, 1, Math.max(1, servers.size()));
        return new SignetConfig.TimeSource("ntp".equals(kind), "ntp".equals(kind) ? java.util.List.copyOf(servers) : java.util.List.of(),
                java.time.Duration.ofMillis(maxOffset), java.time.Duration.ofMillis(poll), java.time.Duration.ofMillis(stale),
                java.time.Duration.ofMillis(timeout), minAgreeing);
    }

    private static TsaSettings tsaAuthority(Settings s, String prefix, String name, String defaultPolicy, String defaultSubject) {
        String policy = defaultPolicy == null ? s.required(prefix + "policy") : s.text(prefix + "policy", defaultPolicy);
        int accuracy = s.integer(prefix + "accuracyMillis", 1000, 0, 3_600_000);
        boolean sha1 = s.bool(prefix + "acceptSha1", false);
        String alg = s.text(prefix + "keyAlgorithm", "EC_P256");
        KeyAlgorithm keyAlgorithm;
        try {
            keyAlgorithm = KeyAlgorithm.parse(alg);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + "keyAlgorithm", "not a key algorithm: '" + alg + "'");
        }
        String subject = s.text(prefix + "subject", defaultSubject);
        try {
            new org.bouncycastle.asn1.x500.X500Name(subject);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + "subject", "not a distinguished name: '" + subject + "'");
        }
        if (!policy.matches("[0-2](\\.(0|[1-9][0-9]*))+")) {
            throw new ConfigException(prefix + "policy", "not an object identifier: '" + policy + "'");
        }
        if (keyAlgorithm.isSymmetric()) {
            throw new ConfigException(prefix + "keyAlgorithm", "a TSA needs a signing key, not " + alg);
        }
        if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new ConfigException(prefix.substring(0, prefix.length() - 1), "a TSA name is lower-case letters, digits and '-'");
        }
        String ca = s.text(prefix + "ca", null);
        boolean external = "external".equals(ca);
        return new TsaSettings(name, policy, java.time.Duration.ofMillis(accuracy), sha1, keyAlgorithm, subject,
                external ? null : ca, external);
    }

    private SecretSource env(String setting, String variable) {
        if (!nonEmpty(environment.get(variable))) {
            throw new ConfigException(setting, "environment variable " + variable + " is not set");
        }
        return new SecretSource.Env(variable, environment);
    }

    private static boolean nonEmpty(String v) {
        return v != null && !v.isEmpty();
    }

    /** Typed access to the flat settings; every failure names the setting. */
    private record Settings(Map<String, String> values) {

        Settings {
            values = new LinkedHashMap<>(values);
        }

        String text(String key, String fallback) {
            String v = values.get(key);
            return v == null || v.isEmpty() ? fallback : v;
        }

        String required(String key) {
            String v = text(key, null);
            if (v == null) {
                throw new ConfigException(key, "required");
            }
            return v;
        }

        int integer(String key, int fallback, int min, int max) {
            String v = text(key, null);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw new ConfigException(key, "must be between " + min + " and " + max + ", not " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "not a whole number: '" + v + "'");
            }
        }

        boolean bool(String key, boolean fallback) {
            String v = text(key, null);
            if (v == null) {
                return fallback;
            }
            if (v.equals("true") || v.equals("false")) {
                return Boolean.parseBoolean(v);
            }
            throw new ConfigException(key, "must be true or false, not '" + v + "'");
        }

        Path pathIn(Path dir, String key, String fallback) {
            return dir.resolve(text(key, fallback)).toAbsolutePath().normalize();
        }

        Path readableFile(String key) {
            Path p = Path.of(required(key)).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new ConfigException(key, "no readable file at " + p);
            }
            return p;
        }

        void refuseAll(String prefix, String why) {
            for (String k : values.keySet()) {
                if (k.startsWith(prefix)) {
                    throw new ConfigException(k, "does not apply: " + why);
                }
            }
        }
    }
}
