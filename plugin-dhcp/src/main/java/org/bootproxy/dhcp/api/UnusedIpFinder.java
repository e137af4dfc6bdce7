package org.bootproxy.dhcp.api;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a free address for {@code GET /dhcp/<network>/unused_ip}, as upstream smart-proxy does:
 * from a random starting point in {@code [from, to]}, the first address that nobody holds, that
 * was not suggested in the last 30 minutes, and (with a probe) that nothing answers on.
 *
 * <p>The 30-minute memory keeps two Foreman users who create hosts at the same time from getting
 * the same suggestion before either has saved a reservation. A MAC that asks again within that
 * time gets its own earlier suggestion back (Foreman asks more than once per host form). An
 * address that answered the probe is remembered the same way, so the next request moves on.
 *
 * <p>At most {@link #MAX_PROBES} addresses are probed per request, bounding a request to
 * {@code MAX_PROBES × timeout}; when all of them answer, the answer is "none free" for now.
 *
 * <p>Thread-safe: requests are served one at a time (so two concurrent requests never get the
 * same address).
 */
public final class UnusedIpFinder {

    private static final Logger LOG = LoggerFactory.getLogger(UnusedIpFinder.class);

    /** How long a suggestion (or an address that answered the probe) is not offered again. */
    public static final Duration MEMORY = Duration.ofMinutes(30);
    /** Probes per request at most. */
    public static final int MAX_PROBES = 8;

    private record Remembered(MacAddress mac, Instant at, boolean answeredProbe) {
    }

    private final AddressProbe probe;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final Map<Ipv4Address, Remembered> recent = new HashMap<>();

    public UnusedIpFinder(AddressProbe probe, InstantSource clock, RandomGenerator random) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    public AddressProbe probe() {
        return probe;
    }

    /**
     * A free address in {@code [from, to]} (inclusive, already clipped to the subnet's host
     * addresses), or empty when none is.
     *
     * @param mac the MAC the address is for, or null
     * @param used whether an address is held by a reservation, a lease or one of the subnet's
     *     servers; asked only for candidates, so a large subnet costs no set of every address
     */
    public synchronized Optional<Ipv4Address> find(Subnet subnet, Ipv4Address from, Ipv4Address to, MacAddress mac,
                                                   Predicate<Ipv4Address> used) throws InterruptedException {
        Instant now = clock.instant();
        forgetOlderThan(now.minus(MEMORY));
        if (mac != null) {
            for (Map.Entry<Ipv4Address, Remembered> e : recent.entrySet()) {
                Ipv4Address ip = e.getKey();
                Remembered r = e.getValue();
                if (!r.answeredProbe() && mac.equals(r.mac()) && inRange(ip, from, to) && !used.test(ip)) {
                    return Optional.of(ip);
                }
            }
        }
        long count = to.unsigned() - from.unsigned() + 1;
        if (count <= 0) {
            return Optional.empty();
        }
        long start = random.nextLong(count);
        int probes = 0;
        for (long i = 0; i < count; i++) {
            Ipv4Address ip = from.plus((start + i) % count);
            if (recent.containsKey(ip) || used.test(ip)) {
                continue;
            }
            if (!(probe instanceof AddressProbe.None)) {
                if (probes == MAX_PROBES) {
                    LOG.info("unused_ip in {}: the {} addresses probed all answered; none suggested",
                            subnet.network(), probes);
                    return Optional.empty();
                }
                probes++;
                if (probe.answers(ip)) {
                    LOG.info("unused_ip in {}: {} is free in the records but answers {}; skipping it for {} min",
                            subnet.network(), ip, probe.describe(), MEMORY.toMinutes());
                    recent.put(ip, new Remembered(null, now, true));
                    continue;
                }
            }
            recent.put(ip, new Remembered(mac, now, false));
            return Optional.of(ip);
        }
        return Optional.empty();
    }

    private void forgetOlderThan(Instant cutoff) {
        for (Iterator<Remembered> it = recent.values().iterator(); it.hasNext(); ) {
            if (!it.next().at().isAfter(cutoff)) {
                it.remove();
            }
        }
    }

    private static boolean inRange(Ipv4Address ip, Ipv4Address from, Ipv4Address to) {
        return ip.compareTo(from) >= 0 && ip.compareTo(to) <= 0;
    }
}
