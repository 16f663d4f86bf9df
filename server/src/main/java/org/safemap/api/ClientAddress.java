package org.safemap.api;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The address a request came from, for limits kept per client (the sign-in throttle). Behind a reverse proxy the
 * connection comes from the proxy, and the client is in {@code X-Forwarded-For}. Anyone can write that header, so it
 * is read only when the connection comes from a proxy listed in {@code SAFEMAP_TRUSTED_PROXIES}. Then the client is
 * the right-most address in the header that is not a trusted proxy: each proxy appends the address it was reached
 * from, so entries to the left of the last untrusted one were written by the client and prove nothing.
 */
final class ClientAddress {
    private static final String HEADER = "X-Forwarded-For";

    private final List<IPAddress> trusted;

    /** @param trustedProxies addresses and CIDR blocks (already validated by the settings) */
    ClientAddress(List<String> trustedProxies) {
        List<IPAddress> blocks = new ArrayList<>();
        for (String p : trustedProxies) {
            IPAddress a = new IPAddressString(p).getAddress();
            if (a == null) {
                throw new IllegalArgumentException("not an IP address or CIDR block: " + p);
            }
            blocks.add(a.toPrefixBlock());
        }
        this.trusted = List.copyOf(blocks);
    }

    String of(Context ctx) {
        return resolve(ctx.ip(), Collections.list(ctx.req().getHeaders(HEADER)));
    }

    /**
     * The client of a connection from {@code peer} carrying these {@code X-Forwarded-For} headers (in order). An
     * unreadable entry ends the walk: the last address read (a trusted proxy's view) is the client then.
     */
    String resolve(String peer, List<String> forwardedFor) {
        IPAddress hop = parse(peer);
        if (hop == null || !isTrusted(hop)) {
            return peer;
        }
        List<String> entries = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String e : header.split(",")) {
                if (!e.isBlank()) {
                    entries.add(e.strip());
                }
            }
        }
        String client = peer;
        for (int k = entries.size() - 1; k >= 0; k--) {
            IPAddress a = parse(entries.get(k));
            if (a == null) {
                return client;
            }
            client = a.toCanonicalString();
            if (!isTrusted(a)) {
                return client;
            }
        }
        return client;
    }

    private boolean isTrusted(IPAddress a) {
        for (IPAddress block : trusted) {
            if (block.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** A single address (no prefix), IPv6 possibly in brackets; IPv4-mapped IPv6 as IPv4. Null if not one. */
    private static IPAddress parse(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        IPAddress a = new IPAddressString(t).getAddress();
        if (a == null || a.isPrefixed()) {
            return null;
        }
        if (a.isIPv6() && a.toIPv6().isIPv4Mapped()) {
            return a.toIPv6().getEmbeddedIPv4Address();
        }
        return a;
    }
}
