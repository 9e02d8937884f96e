package dev.signet.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code signet client ...}: commands that talk to a running server's REST API (like
 * {@code step ca certificate}), with the URL and token from options or {@code SIGNET_URL} and
 * {@code SIGNET_TOKEN}. They need neither curl nor the data directory; keys they generate are made
 * here and never sent.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Talk to a running Signet server's API: issue (from a CSR, or with a key made here), get, list, "
                + "renew; csr makes a key and CSR locally without a server. Server: --url or $SIGNET_URL "
                + "(default http://127.0.0.1:8080); token: --token-file or $SIGNET_TOKEN.",
        subcommands = {
                ClientCommand.Csr.class,
                ClientCommand.Issue.class,
                ClientCommand.Get.class,
                ClientCommand.ListCertificates.class,
                ClientCommand.Renew.class,
                ClientCommand.TsaCommand.class
                // revoke: added with revocation (issue 10), as ClientCommand.Revoke, calling
                // POST /api/v1/cas/{caId}/certificates/{serial}/revoke through ApiClient.post.
        })
final class ClientCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What a locally made key is for: the subject and the names the CSR asks for. */
    static final class KeyRequest {

        @Option(names = "--subject", paramLabel = "DN", description = "Subject, e.g. CN=host.example.com,O=Example.")
        String subject;

        @Option(names = "--dns", paramLabel = "NAME", description = "A DNS name for the subjectAltName (repeatable).")
        List<String> dns = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "ADDRESS", description = "An IP address for the subjectAltName (repeatable).")
        List<String> ip = new ArrayList<>();

        @Option(names = "--email", paramLabel = "ADDRESS", description = "An e-mail address for the subjectAltName (repeatable).")
        List<String> email = new ArrayList<>();

        @Option(names = "--key-algorithm", paramLabel = "ALG", defaultValue = "EC_P256",
                description = "EC_P256 (default), EC_P384, RSA_2048, RSA_3072, RSA_4096 or ED25519.")
        String algorithm;

        @Option(names = "--key-out", paramLabel = "FILE", required = true,
                description = "Where to write the new private key (PKCS#8 PEM, mode 0600; never overwritten).")
        Path keyOut;

        String subjectOrFirstName() {
            if (subject != null && !subject.isBlank()) {
                return subject;
            }
            if (!dns.isEmpty()) {
                return "CN=" + dns.get(0);
            }
            throw new ClientException(ExitCodes.USAGE, "name the key's owner: --subject DN, or at least one --dns NAME");
        }
    }

    @Command(name = "csr", mixinStandardHelpOptions = true,
            description = "Make a key pair and a CSR on this machine, without a server and without openssl: the private "
                    + "key goes to --key-out, the CSR to --csr-out (or stdout). Paste the CSR into the UI's Issue page, "
                    + "or use client issue --csr.")
    static final class Csr implements Runnable {

        @Mixin
        KeyRequest key;

        @Option(names = "--csr-out", paramLabel = "FILE", description = "Write the CSR here instead of stdout.")
        Path csrOut;

        @Override
        public void run() {
            String subject = key.subjectOrFirstName();
            KeyPair pair = LocalKeys.generate(key.algorithm);
            String csr = LocalKeys.csrPem(pair, subject, key.dns, key.ip, key.email);
            LocalKeys.writePrivateKey(pair, key.keyOut);
            if (csrOut == null) {
                System.out.print(csr);
            } else {
                write(csrOut, csr);
                System.out.println("key written to " + key.keyOut + ", CSR to " + csrOut);
            }
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a certificate through the server's API: from a CSR file (--csr), or for a key made here "
                    + "(--key-out with --subject/--dns; the key never leaves this machine). Prints the certificate "
                    + "PEM, or writes it to --out; --chain-out adds the full chain, --p12 a PKCS#12 of key and chain.")
    static final class Issue implements Runnable {

        @Mixin
        ServerOptions server;

        @Option(names = "--ca", paramLabel = "CA_ID", description = "Issuing CA id. Default: the first CA that has a parent.")
        String caId;

        @Option(names = "--profile", paramLabel = "NAME", defaultValue = "tls-server", description = "Profile (default tls-server).")
        String profile;

        @Option(names = "--csr", paramLabel = "FILE", description = "PKCS#10 CSR (PEM) to send.")
        Path csr;

        @Mixin
        OptionalKeyRequest generate;

        @Option(names = "--validity-days", paramLabel = "DAYS", description = "Validity, at most the profile's (the default).")
        Integer validityDays;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the certificate here instead of stdout.")
        Path out;

        @Option(names = "--chain-out", paramLabel = "FILE", description = "Write the certificate followed by its CA chain here.")
        Path chainOut;

        @Option(names = "--p12", paramLabel = "FILE",
                description = "With a key made here: also write key, certificate and chain as PKCS#12, under the password "
                        + "in the environment variable --p12-password-env names.")
        Path p12;

        @Option(names = "--p12-password-env", paramLabel = "VAR", defaultValue = "SIGNET_P12_PASSWORD",
                description = "Environment variable holding the PKCS#12 password (default SIGNET_P12_PASSWORD).")
        String p12PasswordEnv;

        @Option(names = "--p12-password-stdin", description = "Read the PKCS#12 password from the first line of stdin instead.")
        boolean p12PasswordStdin;

        @Override
        public void run() {
            boolean local = generate.keyOut != null;
            if ((csr == null) == !local) {
                throw new ClientException(ExitCodes.USAGE, "give either --csr FILE, or --key-out FILE (with --subject/--dns) "
                        + "to make the key here");
            }
            if (p12 != null && !local) {
                throw new ClientException(ExitCodes.USAGE, "--p12 needs a key made here (--key-out): a CSR's key is not known to this command");
            }
            char[] password = null;
            if (p12 != null) {
                String pw = p12PasswordStdin ? firstLineOfStdin() : System.getenv(p12PasswordEnv);
                if (pw == null || pw.isEmpty()) {
                    throw new ClientException(ExitCodes.USAGE, p12PasswordStdin ? "--p12-password-stdin: no password on stdin"
                            : "--p12: set the password in $" + p12PasswordEnv + " (or use --p12-password-stdin)");
                }
                password = pw.toCharArray();
            }
            ApiClient api = ApiClient.of(server);
            String ca = caId != null ? caId : defaultCa(api);
            KeyPair pair = null;
            String csrPem;
            if (local) {
                pair = LocalKeys.generate(generate.algorithm);
                csrPem = LocalKeys.csrPem(pair, generate.subjectOrFirstName(), generate.dns, generate.ip, generate.email);
            } else {
                csrPem = read(csr);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("profile", profile);
            body.put("csr", csrPem);
            if (validityDays != null) {
                body.put("validityDays", validityDays);
            }
            JsonNode issued = api.post("/api/v1/cas/" + encode(ca) + "/certificates", body);
            if (pair != null) {
                // Only once the certificate exists: a refused request leaves no orphan key file behind.
                LocalKeys.writePrivateKey(pair, generate.keyOut);
            }
            writeCertificate(issued, out, chainOut);
            if (p12 != null) {
                LocalKeys.writePkcs12(pair, issued.get("certificatePem").asText(), text(issued, "chainPem"), password, p12);
                java.util.Arrays.fill(password, '\0');
                System.err.println("PKCS#12 written to " + p12);
            }
        }
    }

    /** {@link KeyRequest} where making a key is optional (issue takes a CSR instead). */
    static final class OptionalKeyRequest {

        @Option(names = "--subject", paramLabel = "DN", description = "With --key-out: the subject of the key made here.")
        String subject;

        @Option(names = "--dns", paramLabel = "NAME", description = "With --key-out: a DNS name (repeatable).")
        List<String> dns = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "ADDRESS", description = "With --key-out: an IP address (repeatable).")
        List<String> ip = new ArrayList<>();

        @Option(names = "--email", paramLabel = "ADDRESS", description = "With --key-out: an e-mail address (repeatable).")
        List<String> email = new ArrayList<>();

        @Option(names = "--key-algorithm", paramLabel = "ALG", defaultValue = "EC_P256",
                description = "With --key-out: EC_P256 (default), EC_P384, RSA_2048, RSA_3072, RSA_4096 or ED25519.")
        String algorithm;

        @Option(names = {"--key-out", "--generate-key"}, paramLabel = "FILE",
                description = "Make the key here and write it to FILE (PKCS#8 PEM, mode 0600; never overwritten).")
        Path keyOut;

        String subjectOrFirstName() {
            if (subject != null && !subject.isBlank()) {
                return subject;
            }
            if (!dns.isEmpty()) {
                return "CN=" + dns.get(0);
            }
            throw new ClientException(ExitCodes.USAGE, "name the key's owner: --subject DN, or at least one --dns NAME");
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Fetch a certificate by serial (hex, colons allowed). Prints its PEM, or with --json the API's answer "
                    + "(serial, status, subject, ...).")
    static final class Get implements Runnable {

        @Mixin
        ServerOptions server;

        @Option(names = "--ca", paramLabel = "CA_ID", required = true, description = "The CA that issued it.")
        String caId;

        @Option(names = "--serial", paramLabel = "HEX", required = true, description = "Its serial.")
        String serial;

        @Option(names = "--json", description = "Print the JSON answer instead of the PEM.")
        boolean json;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the certificate here instead of stdout.")
        Path out;

        @Option(names = "--chain-out", paramLabel = "FILE", description = "Write the certificate followed by its CA chain here.")
        Path chainOut;

        @Override
        public void run() {
            String s = serial.strip().replace(":", "");
            JsonNode c = ApiClient.of(server).get("/api/v1/cas/" + encode(caId) + "/certificates/" + encode(s));
            if (json) {
                System.out.println(c.toPrettyString());
                return;
            }
            writeCertificate(c, out, chainOut);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List certificates, newest first: a header row, then serial, status, not-after, CA, profile, "
                    + "subject; or --json for the API's page.")
    static final class ListCertificates implements Runnable {

        @Mixin
        ServerOptions server;

        @Option(names = "--ca", paramLabel = "CA_ID", description = "Only this CA's.")
        String caId;

        @Option(names = "--search", paramLabel = "TEXT", description = "Subject or SAN contains TEXT.")
        String text;

        @Option(names = "--serial", paramLabel = "HEX", description = "One serial (hex, colons allowed).")
        String serial;

        @Option(names = "--status", paramLabel = "STATUS", description = "valid, expired or revoked.")
        String status;

        @Option(names = "--expiring-within", paramLabel = "DAYS", description = "Only those expiring within DAYS days.")
        Integer expiringWithin;

        @Option(names = "--sort", paramLabel = "ORDER", defaultValue = "issued",
                description = "issued (newest first, default) or expiry (soonest first).")
        String sort;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N (default 50, at most 1000).")
        int limit;

        @Option(names = "--json", description = "Print the JSON page instead of a table.")
        boolean json;

        @Override
        public void run() {
            StringBuilder q = new StringBuilder("/api/v1/certificates?limit=").append(limit).append("&sort=").append(encode(sort));
            param(q, "caId", caId);
            param(q, "q", text);
            param(q, "serial", serial);
            param(q, "status", status);
            if (expiringWithin != null) {
                param(q, "expiringBefore", Instant.now().plus(Duration.ofDays(expiringWithin)).toString());
            }
            JsonNode page = ApiClient.of(server).get(q.toString());
            if (json) {
                System.out.println(page.toPrettyString());
                return;
            }
            String format = "%-34s %-8s %-20s %-28s %-14s %s%n";
            System.out.printf(format, "SERIAL", "STATUS", "NOT_AFTER", "CA", "PROFILE", "SUBJECT");
            for (JsonNode c : page.path("items")) {
                System.out.printf(format, text(c, "serial"), text(c, "status"), text(c, "notAfter"), text(c, "caId"),
                        text(c, "profile"), text(c, "subject"));
            }
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = "Renew a certificate: the same subject and names, a new serial and validity; for the same key, or "
                    + "for the key of --csr. Prints the new certificate PEM, or writes it to --out.")
    static final class Renew implements Runnable {

        @Mixin
        ServerOptions server;

        @Option(names = "--ca", paramLabel = "CA_ID", required = true, description = "The CA that issued it.")
        String caId;

        @Option(names = "--serial", paramLabel = "HEX", required = true, description = "The certificate to renew.")
        String serial;

        @Option(names = "--csr", paramLabel = "FILE", description = "A CSR for a new key (its names are not used).")
        Path csr;

        @Option(names = "--validity-days", paramLabel = "DAYS", description = "Validity, at most the profile's (the default).")
        Integer validityDays;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the new certificate here instead of stdout.")
        Path out;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (csr != null) {
                body.put("csr", read(csr));
            }
            if (validityDays != null) {
                body.put("validityDays", validityDays);
            }
            String s = serial.strip().replace(":", "");
            JsonNode renewed = ApiClient.of(server).post("/api/v1/cas/" + encode(caId) + "/certificates/" + encode(s) + "/renew", body);
            writeCertificate(renewed, out, null);
        }
    }

    @Command(name = "tsa", mixinStandardHelpOptions = true,
            description = "Re-key or retire a time-stamp authority (admin token).",
            subcommands = {ClientCommand.TsaRekey.class, ClientCommand.TsaRetire.class})
    static final class TsaCommand implements Runnable {

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "rekey", mixinStandardHelpOptions = true,
            description = "A new key and certificate for the TSA, from the same CA; its name, URL and policy stay, the old "
                    + "certificate stays listed (GET /api/v1/tsas/NAME) and the old key is destroyed. For a TSA of an "
                    + "external CA, prints the new key's CSR (or writes it to --csr-out): import the certificate with "
                    + "POST /api/v1/tsas/NAME/certificate; the current key stamps on until then.")
    static final class TsaRekey implements Runnable {

        @Mixin
        ServerOptions server;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "The TSA (default: the one at /tsa).")
        String name;

        @Option(names = "--csr-out", paramLabel = "FILE", description = "For an external CA: write the new CSR here.")
        Path csrOut;

        @Override
        public void run() {
            JsonNode t = ApiClient.of(server).post("/api/v1/tsas/" + encode(name) + "/rekey", Map.of());
            String csr = text(t, "nextCsrPem");
            if (!csr.isEmpty()) {
                if (csrOut == null) {
                    System.out.print(csr);
                } else {
                    write(csrOut, csr);
                }
                System.err.println("TSA " + name + ": new key made; give its CSR to the external CA and import the certificate");
                return;
            }
            JsonNode previous = t.get("previousCertificates").get(0);
            System.out.println("TSA " + name + " re-keyed; previous certificate serial " + text(previous, "serial")
                    + " kept (key " + text(previous, "keyState") + ")");
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = "Retire the TSA: it refuses every query from now on (its record, counters and certificates stay; "
                    + "its key is destroyed). Cannot be undone, so it asks for --yes.")
    static final class TsaRetire implements Runnable {

        @Mixin
        ServerOptions server;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "The TSA.")
        String name;

        @Option(names = "--yes", description = "Yes, retire it (it cannot be undone).")
        boolean yes;

        @Override
        public void run() {
            if (!yes) {
                throw new ClientException(ExitCodes.USAGE, "retiring TSA " + name + " cannot be undone: add --yes");
            }
            JsonNode t = ApiClient.of(server).post("/api/v1/tsas/" + encode(name) + "/retire", Map.of());
            System.out.println("TSA " + name + " retired at " + text(t, "retiredAt") + " after " + text(t, "tokensIssued")
                    + " tokens");
        }
    }

    static String firstLineOfStdin() {
        try {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            return line == null ? null : line.strip();
        } catch (IOException e) {
            throw new ClientException(ExitCodes.FAILED, "cannot read stdin");
        }
    }

    /** The CA to issue from when none is named: the first that has a parent (the demo issuing CA). */
    static String defaultCa(ApiClient api) {
        for (JsonNode ca : api.get("/api/v1/cas")) {
            if (ca.hasNonNull("parentId") && "active".equals(text(ca, "status"))) {
                return ca.get("id").asText();
            }
        }
        throw new ClientException(ExitCodes.NOT_FOUND, "the server has no subordinate CA to issue from; name one with --ca");
    }

    static void writeCertificate(JsonNode c, Path out, Path chainOut) {
        String pem = c.get("certificatePem").asText();
        if (out == null) {
            System.out.print(pem);
        } else {
            write(out, pem);
            System.err.println("serial " + text(c, "serial") + " written to " + out);
        }
        if (chainOut != null) {
            write(chainOut, pem.strip() + "\n" + text(c, "chainPem").strip() + "\n");
        }
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null && !value.isBlank()) {
            q.append('&').append(name).append('=').append(encode(value.strip()));
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ClientException(ExitCodes.FAILED, "cannot read " + file);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
