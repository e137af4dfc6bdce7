package org.bootproxy.core.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The forward-verified reverse-DNS name of a peer (FCrDNS): the PTR name, kept only when it
 * resolves back to the same address, so a caller cannot claim a trusted name by controlling its
 * own reverse zone. Results are cached for a minute to keep lookups off the request path.
 */
final class ReverseDns {

    private static final long TTL_NANOS = 60_000_000_000L;

    private record Entry(Optional<String> name, long at) {
    }

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    Optional<String> verifiedName(String address) {
        Entry e = cache.get(address);
        long now = System.nanoTime();
        if (e != null && now - e.at < TTL_NANOS) {
            return e.name;
        }
        Optional<String> name = lookup(address);
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(address, new Entry(name, now));
        return name;
    }

    private static Optional<String> lookup(String address) {
        try {
            InetAddress peer = InetAddress.getByName(address); // a literal: no lookup
            String host = peer.getCanonicalHostName();
            if (host == null || host.equals(peer.getHostAddress())) {
                return Optional.empty();
            }
            boolean forward = Arrays.stream(InetAddress.getAllByName(host)).anyMatch(peer::equals);
            return forward ? Optional.of(host.toLowerCase(Locale.ROOT)) : Optional.empty();
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }
}
