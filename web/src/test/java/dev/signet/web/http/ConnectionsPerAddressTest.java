package dev.signet.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.signet.web.HttpServer;
import dev.signet.web.auth.Access;
import dev.signet.web.auth.Guard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-address connection limit, on a real server over real sockets. It counts open connections,
 * not connections ever made: a client that opens and closes connections one after another (curl in
 * a loop, wrk between runs) is never locked out, while one that holds the limit at once has its new
 * ones closed unanswered until it lets one go. Each test's client is an address of its own in
 * 127/8 (all loopback on Linux), so that another address is seen to be unaffected.
 */
class ConnectionsPerAddressTest {

    /** How long the server may take to see a close (it notices asynchronously); generous for a loaded CI machine. */
    private static final long CLOSE_SEEN_WITHIN_NANOS = 10_000_000_000L;

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
        InetAddress client = InetAddress.getByName("127.0.0.4");
        // Each closed connection gives its place back, whichever side closes: a leak would lock the
        // address out after the limit.
        for (int i = 0; i < 3 * ConnectionsPerAddress.DEFAULT_MAX; i++) {
            try (Socket s = connect(client)) {
                assertEquals("HTTP/1.1 200 OK", exchange(s), "connection " + (i + 1) + ", closed by the server");
            }
            try (Socket s = connect(client)) {
                assertEquals("HTTP/1.1 200 OK", exchangeKeepingOpen(s), "connection " + (i + 1) + ", closed by the client");
            } // the client closes first, as wrk and curl do
        }
    }

    @Test
    void a_client_holding_the_limit_has_its_next_connection_closed_unanswered_until_it_lets_one_go() throws Exception {
        InetAddress client = InetAddress.getByName("127.0.0.5");
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < ConnectionsPerAddress.DEFAULT_MAX; i++) {
                held.add(connect(client));
            }
            // An answer on every held connection proves each was counted: Jetty's selectors open
            // connections concurrently, so an answer on the last one alone does not (CI saw the extra
            // connection counted before an earlier held one, and served).
            for (int i = 0; i < held.size(); i++) {
                assertEquals("HTTP/1.1 200 OK", exchangeKeepingOpen(held.get(i)), "held connection " + (i + 1));
            }
            try (Socket extra = connect(client)) {
                assertEquals("", exchange(extra), "the connection over the limit is closed without an answer");
            }
            try (Socket other = connect(InetAddress.getByName("127.0.0.6"))) {
                assertEquals("HTTP/1.1 200 OK", exchange(other), "another address is not affected by this one's connections");
            }

            held.remove(0).close();
            assertEquals("HTTP/1.1 200 OK", answerOnceTheServerSawTheClose(client), "served again once it let one go");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        assertEquals("HTTP/1.1 200 OK", answerOnceTheServerSawTheClose(client), "served again once all are closed");
    }

    /** Connects from {@code client} (an address of 127/8) to the server, with generous timeouts. */
    private Socket connect(InetAddress client) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(client, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** New connections from {@code client} until one is answered (the server sees closes asynchronously); the last answer. */
    private String answerOnceTheServerSawTheClose(InetAddress client) throws Exception {
        String answer = "";
        for (long end = System.nanoTime() + CLOSE_SEEN_WITHIN_NANOS; answer.isEmpty() && System.nanoTime() < end; ) {
            try (Socket again = connect(client)) {
                answer = exchange(again);
            }
            if (answer.isEmpty()) {
                Thread.sleep(50);
            }
        }
        return answer;
    }

    /** Sends a GET that closes the connection; the status line, or "" if the server closed it first. */
    private static String exchange(Socket s) throws IOException {
        return send(s, "Connection: close\r\n");
    }

    /** Sends a keep-alive GET; the status line, or "" if the server closed the connection first. */
    private static String exchangeKeepingOpen(Socket s) throws IOException {
        return send(s, "");
    }

    private static String send(Socket s, String extraHeader) throws IOException {
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
