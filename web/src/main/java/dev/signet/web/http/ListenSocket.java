package dev.signet.web.http;

import dev.signet.web.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnresolvedAddressException;

/**
 * The server's listening socket, bound before anything else starts. Binding first means a port in
 * use is reported before the HSM and the database are opened, and that with port 0 the chosen port
 * is known before the public base URL is written into a first start's CA certificates.
 */
public final class ListenSocket {

    private ListenSocket() {}

    /** Binds {@code host:port} (0 picks a free port); failures name the setting. */
    public static ServerSocketChannel bind(String host, int port) {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            // As Jetty does for its own sockets: a restart must not wait out TIME_WAIT.
            channel.socket().setReuseAddress(true);
            channel.bind(new InetSocketAddress(host, port));
            return channel;
        } catch (BindException e) {
            close(channel);
            boolean inUse = e.getMessage() != null && e.getMessage().contains("in use");
            throw new ConfigException(inUse ? "server.port" : "server.host",
                    "cannot listen on " + host + ":" + port + ": " + e.getMessage());
        } catch (UnresolvedAddressException e) {
            close(channel);
            throw new ConfigException("server.host", "unknown host " + host);
        } catch (IOException e) {
            close(channel);
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
    }

    public static int port(ServerSocketChannel channel) {
        return channel.socket().getLocalPort();
    }

    public static void close(ServerSocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was served on it; a failed close leaves nothing to clean up.
        }
    }
}
