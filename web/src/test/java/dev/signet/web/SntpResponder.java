package dev.signet.web;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * A small SNTP server (RFC 4330) on 127.0.0.1 for tests: it answers each request with the system
 * clock plus {@link #offsetMillis}, or, while {@link #answering} is false, not at all (a server
 * that went away). The other fields make the answers ones a client must discard: a kiss-o'-death,
 * an unsynchronised server, a wrong mode, no transmit time, an originate time that is not the
 * request's, an answer from another port. Written here from the RFC, independently of the client under test.
 */
final class SntpResponder implements AutoCloseable {

    /** Seconds from 1900 (NTP's era 0) to 1970. */
    private static final long EPOCH_OFFSET = 2_208_988_800L;

    private final DatagramSocket socket;
    private final Thread thread;
    volatile long offsetMillis;
    volatile boolean answering = true;
    volatile int leapIndicator;
    volatile int stratum = 1;
    volatile int mode = 4;
    /** Four ASCII characters: the reference id, a kiss code such as RATE when {@link #stratum} is 0. */
    volatile String referenceId = "TEST";
    volatile boolean zeroTransmit;
    volatile boolean wrongOriginate;
    /** Answers from another port of 127.0.0.1, as a forger on the path's side would (from another address). */
    volatile boolean fromElsewhere;
    /** Requests received (answered or not). */
    final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    private final DatagramSocket elsewhere;

    SntpResponder() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        elsewhere = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "test-sntp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket request = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(request);
                requests.incrementAndGet();
                if (!answering || request.getLength() < 48) {
                    continue;
                }
                long now = System.currentTimeMillis() + offsetMillis;
                ByteBuffer reply = ByteBuffer.allocate(48);
                reply.put((byte) ((leapIndicator << 6) | (4 << 3) | mode)); // LI, version 4, mode (4: server)
                reply.put((byte) stratum);
                reply.put((byte) 4);                         // poll
                reply.put((byte) -20);                       // precision
                reply.putInt(0);                             // root delay
                reply.putInt(0);                             // root dispersion
                reply.put(referenceId.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
                reply.putLong(ntp(now));                     // reference timestamp
                if (wrongOriginate) {                        // e.g. a spoofed answer to someone else's request
                    reply.putLong(ntp(now - 60_000));
                } else {
                    reply.put(buffer, 40, 8);                // originate = the client's transmit timestamp
                }
                reply.putLong(ntp(now));                     // receive
                reply.putLong(zeroTransmit ? 0 : ntp(now));  // transmit
                (fromElsewhere ? elsewhere : socket).send(new DatagramPacket(reply.array(), 48, request.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private static long ntp(long millis) {
        long seconds = millis / 1000 + EPOCH_OFFSET;
        long fraction = (millis % 1000) * 0x1_0000_0000L / 1000;
        return (seconds << 32) | fraction;
    }

    @Override
    public void close() {
        socket.close();
        elsewhere.close();
    }
}
