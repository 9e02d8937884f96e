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
 * <p>Several files at once ({@code --in} repeated, {@code --out} a directory) cost one API call
 * in all: a {@code datakey} with a count to encrypt (a data key per file), a batch decrypt per key
 * to decrypt. Nothing is written unless every file succeeds.
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

        @Option(names = "--in", required = true, paramLabel = "FILE",
                description = "The file to read; repeat it for several files (one API call for all of them).")
        List<Path> in;

        @Option(names = "--out", required = true, paramLabel = "FILE|DIR",
                description = "The file to write (created or replaced); with several --in, an existing directory.")
        Path out;

        /** Where each input goes: --out itself for one file, else a file in the --out directory. */
        List<Path> outputs(java.util.function.UnaryOperator<String> rename) {
            if (in.size() == 1) {
                return List.of(out);
            }
            if (!Files.isDirectory(out)) {
                throw new IllegalArgumentException("with several --in files, --out is an existing directory");
            }
            List<Path> paths = new java.util.ArrayList<>();
            for (Path p : in) {
                Path target = out.resolve(rename.apply(p.getFileName().toString()));
                if (paths.contains(target)) {
                    throw new IllegalArgumentException("two inputs would both be written to " + target);
                }
                paths.add(target);
            }
            return paths;
        }

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

        static byte[] read(Path in) {
            try {
                if (Files.size(in) > MAX_FILE) {
                    throw new IllegalArgumentException(in + " is larger than " + MAX_FILE + " bytes");
                }
                return Files.readAllBytes(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + in, e);
            }
        }

        static void write(Path out, byte[] bytes) {
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
            List<Path> outs = outputs(name -> name + ".sgn");
            Map<String, Object> body = new HashMap<>();
            body.put("context", contextMap());
            if (in.size() > 1) {
                body.put("count", in.size());
            }
            JsonNode answer = post("/api/v1/keys/data/" + key + "/datakey", body);
            List<JsonNode> pairs = new java.util.ArrayList<>();
            if (in.size() > 1) {
                answer.get("batchResults").forEach(pairs::add);
            } else {
                pairs.add(answer);
            }
            List<byte[]> sealed = new java.util.ArrayList<>();
            for (int i = 0; i < in.size(); i++) {
                sealed.add(seal(read(in.get(i)), pairs.get(i)));
            }
            for (int i = 0; i < in.size(); i++) {
                write(outs.get(i), sealed.get(i));
                System.err.println("encrypted " + in.get(i) + " -> " + outs.get(i) + " with data key '" + key + "' version "
                        + pairs.get(i).get("keyVersion").asInt());
            }
            return 0;
        }

        /** The envelope of one file under its own data key (the pair's plaintext, zeroed after use). */
        private static byte[] seal(byte[] plaintext, JsonNode pair) throws GeneralSecurityException {
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
                return file;
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        }
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true,
            description = "Decrypt a file written by 'data encrypt' (the key's name is in the file).")
    static final class Decrypt extends ClientOptions implements Callable<Integer> {

        /** One envelope read: its bytes, where its header ends, and its wrapped data key. */
        private record Envelope(Path path, byte[] file, int headerEnd, String wrapped, String keyName) {}

        @Override
        public Integer call() throws GeneralSecurityException {
            List<Path> outs = outputs(name -> name.endsWith(".sgn") && name.length() > 4 ? name.substring(0, name.length() - 4)
                    : name + ".out");
            List<Envelope> envelopes = new java.util.ArrayList<>();
            for (Path p : in) {
                envelopes.add(envelope(p));
            }
            // One call per key the files name: a single decrypt, or a batch.
            Map<String, List<Integer>> byKey = new LinkedHashMap<>();
            for (int i = 0; i < envelopes.size(); i++) {
                byKey.computeIfAbsent(envelopes.get(i).keyName(), k -> new java.util.ArrayList<>()).add(i);
            }
            byte[][] dataKeys = new byte[envelopes.size()][];
            try {
                for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
                    unwrap(e.getKey(), e.getValue(), envelopes, dataKeys);
                }
                List<byte[]> plaintexts = new java.util.ArrayList<>();
                for (int i = 0; i < envelopes.size(); i++) {
                    plaintexts.add(open(envelopes.get(i), dataKeys[i]));
                }
                for (int i = 0; i < envelopes.size(); i++) {
                    write(outs.get(i), plaintexts.get(i));
                    System.err.println("decrypted " + in.get(i) + " -> " + outs.get(i) + " with data key '"
                            + envelopes.get(i).keyName() + "'");
                }
            } finally {
                for (byte[] k : dataKeys) {
                    if (k != null) {
                        Arrays.fill(k, (byte) 0);
                    }
                }
            }
            return 0;
        }

        private void unwrap(String key, List<Integer> indexes, List<Envelope> envelopes, byte[][] dataKeys) {
            Map<String, Object> body = new HashMap<>();
            body.put("context", contextMap());
            if (indexes.size() == 1) {
                body.put("ciphertext", envelopes.get(indexes.get(0)).wrapped());
                dataKeys[indexes.get(0)] = Base64.getDecoder().decode(post("/api/v1/keys/data/" + key + "/decrypt", body)
                        .get("plaintext").asText());
                return;
            }
            body.put("batchInput", indexes.stream().map(i -> Map.of("ciphertext", envelopes.get(i).wrapped())).toList());
            JsonNode results = post("/api/v1/keys/data/" + key + "/decrypt", body).get("batchResults");
            for (int j = 0; j < indexes.size(); j++) {
                dataKeys[indexes.get(j)] = Base64.getDecoder().decode(results.get(j).get("plaintext").asText());
            }
        }

        private static Envelope envelope(Path p) {
            byte[] file = read(p);
            int first = indexOf(file, 0);
            int second = first < 0 ? -1 : indexOf(file, first + 1);
            if (second < 0 || !new String(file, 0, first, StandardCharsets.US_ASCII).equals(MAGIC)
                    || file.length < second + 1 + 12 + 16) {
                throw new IllegalArgumentException(p + " is not a Signet envelope (" + MAGIC + ")");
            }
            String wrapped = new String(file, first + 1, second - first - 1, StandardCharsets.US_ASCII);
            return new Envelope(p, file, second + 1, wrapped, DataKeys.describe(wrapped).keyName());
        }

        private static byte[] open(Envelope e, byte[] dataKey) throws GeneralSecurityException {
            byte[] file = e.file();
            int h = e.headerEnd();
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(128, file, h, 12));
                c.updateAAD(file, 0, h);
                return c.doFinal(file, h + 12, file.length - h - 12);
            } catch (javax.crypto.AEADBadTagException x) {
                throw new IllegalArgumentException(e.path() + " was changed after it was encrypted: it does not decrypt");
            }
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
