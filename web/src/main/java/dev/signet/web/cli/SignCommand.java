package dev.signet.web.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A client of a running server's signing API, so that pipelines need no curl. The server URL and
 * token come from options or from SIGNET_URL and SIGNET_TOKEN (the environment keeps the token out
 * of {@code ps} and shell history).
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign documents through a running Signet server's API.",
        subcommands = {SignCommand.Pdf.class})
final class SignCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "pdf", mixinStandardHelpOptions = true,
            description = "Sign a PDF as PAdES (POST /api/v1/sign/pdf) and write the signed file.")
    static final class Pdf implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--url", defaultValue = "${env:SIGNET_URL}", paramLabel = "URL",
                description = "Server base URL, e.g. http://127.0.0.1:8080 (default: $SIGNET_URL).")
        String url;

        @Option(names = "--token", defaultValue = "${env:SIGNET_TOKEN}", paramLabel = "TOKEN",
                description = "A signer token granted the identity (default: $SIGNET_TOKEN; prefer the variable).")
        String token;

        @Option(names = "--identity", required = true, paramLabel = "ID", description = "Signer identity id ({caId}.{serial}).")
        String identity;

        @Option(names = "--level", defaultValue = "B-B", paramLabel = "LEVEL", description = "B-B, B-T, B-LT or B-LTA (default B-B).")
        String level;

        @Option(names = "--reason", paramLabel = "TEXT", description = "The signature's reason.")
        String reason;

        @Option(names = "--location", paramLabel = "TEXT", description = "The signature's location.")
        String location;

        @Option(names = "--certify", paramLabel = "P", description = "A certification signature with DocMDP P = 1, 2 or 3.")
        Integer certify;

        @Option(names = "--visible", paramLabel = "X,Y,W,H",
                description = "Make the signature visible in this rectangle (points from the page's lower-left corner).")
        String visible;

        @Option(names = "--visible-page", paramLabel = "N", description = "The visible signature's page (default 1).")
        Integer visiblePage;

        @Option(names = "--image", paramLabel = "FILE", description = "A PNG or JPEG shown in the visible signature (needs --visible).")
        Path image;

        @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding an encrypted PDF's password.")
        String passwordEnv;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Where to write the signed PDF.")
        Path out;

        @Parameters(index = "0", paramLabel = "IN.pdf", description = "The PDF to sign.")
        Path in;

        @Override
        public Integer call() {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("no server: give --url or set SIGNET_URL");
            }
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("no token: set SIGNET_TOKEN (or give --token)");
            }
            StringBuilder query = new StringBuilder("?identity=").append(enc(identity)).append("&level=").append(enc(level));
            if (reason != null) {
                query.append("&reason=").append(enc(reason));
            }
            if (location != null) {
                query.append("&location=").append(enc(location));
            }
            if (certify != null) {
                query.append("&certification=").append(certify);
            }
            if (visible != null) {
                query.append("&visibleRect=").append(enc(visible));
                if (visiblePage != null) {
                    query.append("&visiblePage=").append(visiblePage);
                }
            }
            if (image != null && visible == null) {
                throw new IllegalArgumentException("--image needs --visible: where the signature shows");
            }
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            Path partial = null;
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/api/v1/sign/pdf" + query))
                        .header("Authorization", "Bearer " + token);
                if (image == null) {
                    req.header("Content-Type", "application/pdf").POST(HttpRequest.BodyPublishers.ofFile(in));
                } else {
                    // multipart/form-data, streamed from both files: part pdf, then part image.
                    String boundary = "signet-" + Long.toHexString(System.nanoTime());
                    req.header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofString(partHeader(boundary, "pdf", "document.pdf", "application/pdf")),
                            HttpRequest.BodyPublishers.ofFile(in),
                            HttpRequest.BodyPublishers.ofString("\r\n" + partHeader(boundary, "image", "image", "application/octet-stream")),
                            HttpRequest.BodyPublishers.ofFile(image),
                            HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")));
                }
                if (passwordEnv != null) {
                    String pw = System.getenv(passwordEnv);
                    if (pw == null) {
                        throw new IllegalArgumentException("environment variable " + passwordEnv + " is not set");
                    }
                    req.header("Signet-Pdf-Password", pw);
                }
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                HttpResponse<InputStream> r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = r.body()) {
                    if (r.statusCode() != 200) {
                        String problem = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                        System.err.println("signet: the server refused (" + r.statusCode() + "): " + detail(problem));
                        return 1;
                    }
                    // Written beside the target and moved into place: a broken transfer leaves no half file.
                    Path dir = out.toAbsolutePath().getParent();
                    partial = Files.createTempFile(dir, ".signet-", ".part");
                    Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
                    partial = null;
                }
                System.out.println("signed " + in + " at " + level + " -> " + out);
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot sign through " + base + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            } finally {
                if (partial != null) {
                    try {
                        Files.deleteIfExists(partial);
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
        }

        private static String partHeader(String boundary, String name, String fileName, String type) {
            return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: " + type + "\r\n\r\n";
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }

        /** The problem's detail when the body is one, else the body's start. */
        private static String detail(String body) {
            int at = body.indexOf("\"detail\"");
            if (at >= 0) {
                int start = body.indexOf('"', body.indexOf(':', at) + 1);
                int end = body.indexOf('"', start + 1);
                if (start > 0 && end > start) {
                    return body.substring(start + 1, end);
                }
            }
            return body.strip();
        }
    }
}
