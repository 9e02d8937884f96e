package dev.signet.web.http;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who the client is, for login limits, refusal counts and the access log. Normally the peer of the
 * TCP connection. Behind TLS-terminating proxies that peer is the proxy for everyone, so when it is
 * one of the configured trusted proxies ({@code server.trustedProxies}), the client is the address
 * the proxies recorded in {@code X-Forwarded-For}: the right-most entry that is not itself a trusted
 * proxy (entries further left were written by the client and prove nothing). From any other peer
 * the header is ignored, so a client cannot choose its own address.
 */
public final class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final Set<InetAddress> trusted;

    public ClientAddress(Set<InetAddress> trustedProxies) {
        this.trusted = Set.copyOf(trustedProxies);
    }

    /** No proxy is trusted: the client is the connection's peer. */
    public static ClientAddress direct() {
        return new ClientAddress(Set.of());
    }

    public Set<InetAddress> trustedProxies() {
        return trusted;
    }

    /** The client's address for this request, as text. */
    public String resolve(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        if (trusted.isEmpty()) {
            return peer;
        }
        Optional<InetAddress> peerAddress = literal(peer);
        if (peerAddress.isEmpty() || !trusted.contains(peerAddress.get())) {
            return peer;
        }
        List<String> hops = new java.util.ArrayList<>();
        for (String header : java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For"))) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                return peer; // not an address: the chain is broken here, trust nothing beyond it
            }
            if (!trusted.contains(hop.get())) {
                return hop.get().getHostAddress();
            }
        }
        return peer;
    }

    /** {@code text} as an IP address if it is an IPv4 or IPv6 literal (never a name: no DNS lookup). */
    public static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty() || t.length() > 45 || !(IPV4.matcher(t).matches() || IPV6.matcher(t).matches())) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
