package dev.signet.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.HttpServer;
import dev.signet.web.auth.Access;
import dev.signet.web.auth.Guard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-address connection limit, on a real server over real sockets. */
class ConnectionsPerAddressTest {

    private HttpServer server;

    @BeforeEach
    void start() {
        List<Route> routes = List.of(Route.get("/ping", Access.PUBLIC, ctx -> ctx.result("pong")));
        server = HttpServer.start(ListenSocket.bind("127.0.0.1", 0), 4096, routes, new Guard(null, null),
                new HttpMetrics(new SimpleMeterRegistry()), null);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_client_that_closes_its_connections_is_served_for_far_more_than_the_limit_in_all() throws Exception {
        // Each closed connection gives its place back: a leak would lock 127.0.0.1 out after 64.
        for (int i = 0; i < 3 * ConnectionsPerAddress.DEFAULT_MAX; i++) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                assertEquals("HTTP/1.1 200 OK", exchange(s), "connection " + (i + 1));
            }
        }
    }

    @Test
    void a_client_holding_the_limit_has_its_next_connection_closed_unanswered() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < ConnectionsPerAddress.DEFAULT_MAX; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                held.add(s);
            }
            // An answer on every held connection proves each was counted: Jetty's selectors open
            // connections concurrently, so an answer on the last one alone does not (CI saw the extra
            // connection counted before an earlier held one, and served).
            for (int i = 0; i < held.size(); i++) {
                assertEquals("HTTP/1.1 200 OK", exchangeKeepingOpen(held.get(i)), "held connection " + (i + 1));
            }
            try (Socket extra = new Socket("127.0.0.1", server.port())) {
                assertEquals("", exchange(extra), "the connection over the limit is closed without an answer");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // The server sees the closes asynchronously: allow it a moment.
        String answer = "";
        for (long end = System.nanoTime() + 10_000_000_000L; answer.isEmpty() && System.nanoTime() < end; ) {
            try (Socket again = new Socket("127.0.0.1", server.port())) {
                answer = exchange(again);
            }
            if (answer.isEmpty()) {
                Thread.sleep(50);
            }
        }
        assertTrue(answer.startsWith("HTTP/1.1 200"), "served again once the held connections are closed");
    }

    /** Sends a GET that closes the connection; the status line, or "" if the server closed it first. */
    private static String exchange(Socket s) throws IOException {
        return send(s, "Connection: close\r\n");
    }

    private static String exchangeKeepingOpen(Socket s) throws IOException {
        return send(s, "");
    }

    private static String send(Socket s, String extraHeader) throws IOException {
        s.setSoTimeout(10_000);
        try {
            s.getOutputStream().write(("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeader + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        } catch (SocketException e) {
            return ""; // closed by the server before the request went out
        }
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
        } catch (SocketException e) {
            return ""; // reset by the server
        }
        return line.toString();
    }
}
