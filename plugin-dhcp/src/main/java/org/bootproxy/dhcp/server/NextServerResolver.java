package org.bootproxy.dhcp.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bootproxy.spi.net.Ipv4Address;

/**
 * Turns a next-server (IPv4 literal or host name, as Foreman may send) into the {@code siaddr}
 * address. Host names are resolved with the system resolver and cached for a minute (positive and
 * negative) so a boot storm does not become a DNS storm. Thread-safe.
 */
public class NextServerResolver {

    private static final Duration TTL = Duration.ofMinutes(1);

    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<Ipv4Address> address, Instant expires) {
    }

    public NextServerResolver(Clock clock) {
        this.clock = clock;
    }

    /** The address of {@code host}, or empty when it does not resolve to an IPv4 address. */
    public Optional<Ipv4Address> resolve(String host) {
        if (Ipv4Address.isValid(host)) {
            return Optional.of(Ipv4Address.parse(host));
        }
        Instant now = clock.instant();
        Cached c = cache.get(host);
        if (c != null && c.expires().isAfter(now)) {
            return c.address();
        }
        Optional<Ipv4Address> a = lookup(host);
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(host, new Cached(a, now.plus(TTL)));
        return a;
    }

    /** The DNS lookup; overridable in tests. */
    protected Optional<Ipv4Address> lookup(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a instanceof Inet4Address v4) {
                    return Optional.of(Ipv4Address.of(v4));
                }
            }
        } catch (UnknownHostException e) {
            // negative answer, cached like a positive one
        }
        return Optional.empty();
    }
}
