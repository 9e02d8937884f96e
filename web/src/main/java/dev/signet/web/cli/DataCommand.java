package dev.signet.web.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.ca.DataKeys;
import dev.signet.web.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A client of a running Signet: encrypts and decrypts files with a named data key, by envelope
 * encryption. It asks the API for a data key (plaintext and wrapped), encrypts the file here with
 * AES-256-GCM, and keeps only the wrapped key beside the ciphertext; decrypting unwraps it through
 * the API. So a file of any size costs one API call, and the named key never leaves the HSM.
 *
 * <p>Envelope file: the line {@code signet-envelope:v1}, the wrapped data key's line (the API's
 * ciphertext, which names key and version), then nonce (12 bytes), ciphertext and tag; both lines
 * are the AES-GCM associated data.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Encrypt or decrypt a file with a named data key through the API of a running server "
                + "(URL and token from --url/--token or SIGNET_URL/SIGNET_TOKEN).",
        subcommands = {DataCommand.Encrypt.class, DataCommand.Decrypt.class})
final class DataCommand implements Runnable {

    static final String MAGIC = "signet-envelope:v1";
    /** Files are read whole; past this, split them (the format has no streaming mode). */
    static final long MAX_FILE = 256L * 1024 * 1024;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the server is and who calls: options, else the environment. */
    static class ClientOptions {
        @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:SIGNET_URL:-http://127.0.0.1:8080}",
                description = "Signet's base URL (default: SIGNET_URL, else ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:SIGNET_TOKEN}",
                description = "API token with a grant for the key (default: SIGNET_TOKEN). Prefer the environment: "
                        + "a command line is visible to other users of the machine.")
        String token;

        @Option(names = "--context", paramLabel = "KEY=VALUE",
                description = "Encryption context, repeatable; decrypting needs the same pairs.")
        List<String> context = List.of();

        @Option(names = "--in", required = true, paramLabel = "FILE", description = "The file to read.")
        Path in;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (created or replaced).")
        Path out;

        Map<String, String> contextMap() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String pair : context) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--context takes KEY=VALUE, not '" + pair + "'");
                }
                m.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return m;
        }

        JsonNode post(String path, Map<String, Object> body) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("no API token: set SIGNET_TOKEN or pass --token");
            }
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)))
                        .build();
                HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
                JsonNode json = Json.MAPPER.readTree(r.body());
                if (r.statusCode() != 200) {
                    String detail = json.hasNonNull("detail") ? json.get("detail").asText() : r.body();
                    throw new IllegalStateException("the server refused (" + r.statusCode() + "): " + detail);
                }
                return json;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reach " + base + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }

        byte[] readInput() {
            try {
                if (Files.size(in) > MAX_FILE) {
                    throw new IllegalArgumentException(in + " is larger than " + MAX_FILE + " bytes");
                }
                return Files.readAllBytes(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + in, e);
            }
        }

        void writeOutput(byte[] bytes) {
            try {
                Files.write(out, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + out, e);
            }
        }
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true,
            description = "Encrypt a file under a fresh data key wrapped by the named key (envelope encryption).")
    static final class Encrypt extends ClientOptions implements Callable<Integer> {

        @Option(names = "--key", required = true, paramLabel = "NAME", description = "The data key's name.")
        String key;

        @Override
        public Integer call() throws GeneralSecurityException {
            byte[] plaintext = readInput();
            Map<String, Object> body = new HashMap<>();
            body.put("context", contextMap());
            JsonNode pair = post("/api/v1/keys/data/" + key + "/datakey", body);
            byte[] dataKey = Base64.getDecoder().decode(pair.get("plaintext").asText());
            try {
                byte[] header = (MAGIC + "\n" + pair.get("ciphertext").asText() + "\n").getBytes(StandardCharsets.US_ASCII);
                byte[] nonce = new byte[12];
                new SecureRandom().nextBytes(nonce);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, nonce));
                c.updateAAD(header);
                byte[] sealed = c.doFinal(plaintext);
                byte[] file = new byte[header.length + nonce.length + sealed.length];
                System.arraycopy(header, 0, file, 0, header.length);
                System.arraycopy(nonce, 0, file, header.length, nonce.length);
                System.arraycopy(sealed, 0, file, header.length + nonce.length, sealed.length);
                writeOutput(file);
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
            System.err.println("encrypted " + in + " -> " + out + " with data key '" + key + "' version "
                    + pair.get("keyVersion").asInt());
            return 0;
        }
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true,
            description = "Decrypt a file written by 'data encrypt' (the key's name is in the file).")
    static final class Decrypt extends ClientOptions implements Callable<Integer> {

        @Override
        public Integer call() throws GeneralSecurityException {
            byte[] file = readInput();
            int first = indexOf(file, 0);
            int second = first < 0 ? -1 : indexOf(file, first + 1);
            if (second < 0 || !new String(file, 0, first, StandardCharsets.US_ASCII).equals(MAGIC)
                    || file.length < second + 1 + 12 + 16) {
                throw new IllegalArgumentException(in + " is not a Signet envelope (" + MAGIC + ")");
            }
            String wrapped = new String(file, first + 1, second - first - 1, StandardCharsets.US_ASCII);
            String key = DataKeys.describe(wrapped).keyName();
            Map<String, Object> body = new HashMap<>();
            body.put("ciphertext", wrapped);
            body.put("context", contextMap());
            JsonNode plain = post("/api/v1/keys/data/" + key + "/decrypt", body);
            byte[] dataKey = Base64.getDecoder().decode(plain.get("plaintext").asText());
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, file, second + 1, 12));
                c.updateAAD(file, 0, second + 1);
                writeOutput(c.doFinal(file, second + 1 + 12, file.length - second - 1 - 12));
            } catch (javax.crypto.AEADBadTagException e) {
                throw new IllegalArgumentException(in + " was changed after it was encrypted: it does not decrypt");
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
            System.err.println("decrypted " + in + " -> " + out + " with data key '" + key + "'");
            return 0;
        }

        private static int indexOf(byte[] b, int from) {
            for (int i = from; i < Math.min(b.length, from + 4096); i++) {
                if (b[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
