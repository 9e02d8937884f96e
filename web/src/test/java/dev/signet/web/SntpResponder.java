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
 * that went away). Written here from the RFC, independently of the client under test.
 */
final class SntpResponder implements AutoCloseable {

    /** Seconds from 1900 (NTP's era 0) to 1970. */
    private static final long EPOCH_OFFSET = 2_208_988_800L;

    private final DatagramSocket socket;
    private final Thread thread;
    volatile long offsetMillis;
    volatile boolean answering = true;

    SntpResponder() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
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
                if (!answering || request.getLength() < 48) {
                    continue;
                }
                long now = System.currentTimeMillis() + offsetMillis;
                ByteBuffer reply = ByteBuffer.allocate(48);
                reply.put((byte) ((0 << 6) | (4 << 3) | 4)); // LI 0, version 4, mode 4 (server)
                reply.put((byte) 1);                         // stratum 1
                reply.put((byte) 4);                         // poll
                reply.put((byte) -20);                       // precision
                reply.putInt(0);                             // root delay
                reply.putInt(0);                             // root dispersion
                reply.put("TEST".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // reference id
                reply.putLong(ntp(now));                     // reference timestamp
                reply.put(buffer, 40, 8);                    // originate = the client's transmit timestamp
                reply.putLong(ntp(now));                     // receive
                reply.putLong(ntp(now));                     // transmit
                socket.send(new DatagramPacket(reply.array(), 48, request.getSocketAddress()));
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
    }
}
