package dev.signet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded slow-loris attack on loopback: a few hundred connections that each announce a form body
 * and send it a byte at a time. The server must keep answering {@code /health} quickly throughout.
 * The attack comes from 127.0.0.2 (all of 127/8 is loopback on Linux) and the health checks from
 * 127.0.0.1, as an attacker and a monitoring system would be different hosts.
 */
class SlowClientsTest {

    static final int ATTACK_SOCKETS = 450;
    static final Duration ATTACK = Duration.ofSeconds(8);
    static final Duration DROP_SEEN_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path data;

    @Test
    void health_answers_within_a_second_while_hundreds_of_clients_dribble_request_bodies() throws Exception {
        try (TestServer s = TestServer.start(data)) {
            InetAddress attacker = InetAddress.getByName("127.0.0.2");
            List<Socket> sockets = new ArrayList<>();
            HttpClient health = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            long worstMillis = 0;
            int checks = 0;
            int stillOpen = 0;
            List<String> failures = new ArrayList<>();
            try {
                // With the login page's cookie the form is worth reading: the body is what is slow.
                HttpResponse<String> page = s.get("/ui/login", null);
                String cookie = page.headers().firstValue("Set-Cookie").orElse("").split(";", 2)[0];
                byte[] head = ("POST /ui/login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < ATTACK_SOCKETS; i++) {
                    Socket socket = new Socket();
                    try {
                        socket.bind(new InetSocketAddress(attacker, 0));
                        socket.connect(new InetSocketAddress("127.0.0.1", s.server.port()), 1000);
                        socket.getOutputStream().write(head);
                        socket.getOutputStream().write('u');
                        sockets.add(socket);
                    } catch (IOException refused) {
                        // The server may refuse some of them at once: that is one of the defences.
                        socket.close();
                    }
                }
                long end = System.nanoTime() + ATTACK.toNanos();
                long nextDribble = System.nanoTime();
                while (System.nanoTime() < end) {
                    if (System.nanoTime() >= nextDribble) {
                        for (Socket socket : sockets) {
                            dribble(socket);
                        }
                        nextDribble = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                    }
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> r = health.send(HttpRequest.newBuilder(URI.create(s.base + "/health"))
                                .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            failures.add("status " + r.statusCode());
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                    worstMillis = Math.max(worstMillis, (System.nanoTime() - start) / 1_000_000);
                    checks++;
                    Thread.sleep(100);
                }
                // Past every body's deadline (about 5 s after each one's request), the server has dropped
                // all of them; it closes them from a timer, which a loaded machine runs late: allow it
                // DROP_SEEN_WITHIN more, in all.
                long dropDeadline = System.nanoTime() + DROP_SEEN_WITHIN.toNanos();
                for (Socket socket : sockets) {
                    if (!droppedByServer(socket, dropDeadline)) {
                        stillOpen++;
                    }
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            System.out.printf("slow-loris: %d sockets (%d still open after %d s), %d health checks, worst %d ms%n",
                    ATTACK_SOCKETS, stillOpen, ATTACK.toSeconds(), checks, worstMillis);
            assertEquals(List.of(), failures);
            assertTrue(worstMillis < 1000, "worst /health latency " + worstMillis + " ms");
            assertEquals(0, stillOpen, "slow clients the server did not drop");
        }
    }

    /** Whether the server has closed {@code socket}, or does by {@code deadline} (at least 200 ms from now). */
    private static boolean droppedByServer(Socket socket, long deadline) {
        try {
            socket.setSoTimeout((int) Math.max(200, (deadline - System.nanoTime()) / 1_000_000));
            return socket.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException stillWaiting) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static void dribble(Socket socket) {
        if (socket.isClosed()) {
            return;
        }
        try {
            OutputStream out = socket.getOutputStream();
            out.write('x');
            out.flush();
        } catch (IOException closedByServer) {
            // The server dropped it: that is what it should do with such a client.
        }
    }
}
