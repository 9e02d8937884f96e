package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.signet.web.http.ConnectionsPerAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-address connection limit counts open connections, not connections ever made: a client
 * that opens and closes connections one after another (curl in a loop, wrk between runs) is never
 * locked out, while one that holds more than the limit at once has its new ones closed.
 */
class ConnectionsPerAddressTest {

    @TempDir
    Path data;

    @Test
    void a_client_that_closed_hundreds_of_connections_itself_can_still_connect() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            InetAddress client = InetAddress.getByName("127.0.0.4");
            for (int i = 0; i < 3 * ConnectionsPerAddress.DEFAULT_MAX; i++) {
                try (Socket socket = connect(client, s)) {
                    assertEquals("HTTP/1.1 200 OK", health(socket), "connection " + (i + 1));
                } // the client closes first, as wrk and curl do
            }
            try (Socket socket = connect(client, s)) {
                assertEquals("HTTP/1.1 200 OK", health(socket));
            }
        }
    }

    @Test
    void a_client_holding_the_most_connections_allowed_gets_its_next_one_closed_until_it_lets_one_go() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            InetAddress client = InetAddress.getByName("127.0.0.5");
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < ConnectionsPerAddress.DEFAULT_MAX; i++) {
                    Socket socket = connect(client, s);
                    held.add(socket);
                    assertEquals("HTTP/1.1 200 OK", health(socket), "connection " + (i + 1));
                }
                try (Socket over = connect(client, s)) {
                    assertEquals("closed", health(over));
                }
                held.remove(0).close();
                String answer = "closed";
                for (int attempt = 0; attempt < 50 && answer.equals("closed"); attempt++) {
                    Thread.sleep(20); // the server notices the close asynchronously
                    try (Socket again = connect(client, s)) {
                        answer = health(again);
                    }
                }
                assertEquals("HTTP/1.1 200 OK", answer);
                // Another address is not affected by this one's connections.
                try (Socket other = connect(InetAddress.getByName("127.0.0.6"), s)) {
                    assertTrue(health(other).endsWith("200 OK"));
                }
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    private static Socket connect(InetAddress from, TestServer s) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", s.server.port()), 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    /** Sends {@code GET /health} (keep-alive) and returns the status line, or "closed" if the server hung up. */
    private static String health(Socket socket) throws IOException {
        try {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] head = new byte[4096];
            int n = 0;
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                String text = new String(head, 0, n, StandardCharsets.US_ASCII);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0 && text.contains("\"status\"")) {
                    return text.substring(0, text.indexOf("\r\n"));
                }
            }
            return n == 0 ? "closed" : new String(head, 0, n, StandardCharsets.US_ASCII);
        } catch (java.net.SocketException reset) {
            return "closed";
        }
    }
}
