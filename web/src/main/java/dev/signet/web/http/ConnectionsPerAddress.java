package dev.signet.web.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection at once when its client address already holds {@link #max()} open
 * connections, so that one host cannot take every connection (a slow-loris attack needs hundreds).
 * Trusted proxies are exempt: all clients behind them share their address. A browser opens about six
 * connections to a host, an API client's pool a few dozen.
 */
public final class ConnectionsPerAddress implements Connection.Listener {

    /** Open connections allowed from one address unless configured otherwise. */
    public static final int DEFAULT_MAX = 64;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionsPerAddress.class);

    private final int max;
    private final Set<InetAddress> exempt;
    private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /**
     * The address each counted connection was opened from. A closed endpoint no longer knows its
     * remote address (Jetty returns null once the channel is closed), so {@link #onClosed} must not
     * ask it: every connection the client closed first would stay counted, and after 64 of them the
     * address could never connect again.
     */
    private final ConcurrentMap<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    /** Addresses over the limit since their count was last below it: logged once per episode, not per socket. */
    private final Set<InetAddress> overLimit = ConcurrentHashMap.newKeySet();

    public ConnectionsPerAddress(int max, Set<InetAddress> exempt) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
        this.exempt = Set.copyOf(exempt);
    }

    public int max() {
        return max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        if (address == null || exempt.contains(address)) {
            return;
        }
        counted.put(connection, address);
        int count = open.merge(address, 1, Integer::sum);
        if (count > max) {
            if (overLimit.add(address)) {
                LOG.warn("client {} holds {} connections, the most allowed per address; closing its new ones",
                        address.getHostAddress(), max);
            }
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address == null) {
            return;
        }
        Integer left = open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        if (left == null || left < max) {
            overLimit.remove(address);
        }
    }

    /** How many connections {@code address} holds (for tests). */
    int openFrom(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    private static InetAddress address(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
