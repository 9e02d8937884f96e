package dev.signet.web.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which server a client command talks to, and as whom: options first, then the environment
 * ({@code SIGNET_URL}, {@code SIGNET_TOKEN}), so that automation needs neither curl nor the data
 * directory.
 */
final class ServerOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(names = "--url", paramLabel = "URL",
            description = "The server, e.g. https://signet.example.com. Default: $SIGNET_URL, else " + DEFAULT_URL + ".")
    String url;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the API token. Default: $SIGNET_TOKEN. (No --token option: "
                    + "a secret on the command line is visible to every user of the machine.)")
    Path tokenFile;

    URI baseUrl() {
        String u = url != null ? url : System.getenv("SIGNET_URL");
        if (u == null || u.isBlank()) {
            u = DEFAULT_URL;
        }
        u = u.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        try {
            URI uri = URI.create(u);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ClientException(ExitCodes.USAGE, "--url / SIGNET_URL is not an http(s) URL: '" + u + "'");
        }
    }

    String token() {
        String t;
        if (tokenFile != null) {
            try {
                t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ClientException(ExitCodes.FAILED, "cannot read the token file " + tokenFile);
            }
        } else {
            t = System.getenv("SIGNET_TOKEN");
        }
        if (t == null || t.isBlank()) {
            throw new ClientException(ExitCodes.USAGE, "no API token: set SIGNET_TOKEN or pass --token-file FILE "
                    + "(make one with: signet token create --role officer)");
        }
        return t.strip();
    }
}
