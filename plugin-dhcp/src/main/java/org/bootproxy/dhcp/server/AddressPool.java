package org.bootproxy.dhcp.server;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;

/**
 * The dynamic addresses of one subnet: which are free, which are held for an offer or a pending
 * ACK, which were declined. Durable state (leases, reservations) lives in the {@link LeaseStore};
 * the holds here are in memory only (an offer is not a promise that survives a restart).
 *
 * <p>Thread-safe: every method is {@code synchronized}; none does I/O (the store's reads are
 * in-memory by contract).
 */
final class AddressPool {

    private record Hold(MacAddress mac, Instant expires) {
    }

    private final Subnet subnet;
    private final LeaseStore store;
    private final Map<Ipv4Address, Hold> holds = new HashMap<>();
    private final Map<MacAddress, Ipv4Address> holdByMac = new HashMap<>();
    private final Map<Ipv4Address, Instant> declined = new HashMap<>();
    /** Next address the scan looks at; the scan wraps, so expired leases are reused eventually. */
    private long cursor;

    AddressPool(Subnet subnet, LeaseStore store) {
        this.subnet = subnet;
        this.store = store;
        this.cursor = subnet.rangeFirst() == null ? 0 : subnet.rangeFirst().unsigned();
    }

    Subnet subnet() {
        return subnet;
    }

    boolean inRange(Ipv4Address ip) {
        return subnet.rangeFirst() != null && ip.compareTo(subnet.rangeFirst()) >= 0
                && ip.compareTo(subnet.rangeLast()) <= 0 && subnet.isHostAddress(ip);
    }

    /**
     * Whether {@code ip} may be given to {@code mac} now: a host address, not reserved for another
     * client, not actively leased to another, not held for another's offer, not recently declined.
     */
    synchronized boolean available(Ipv4Address ip, MacAddress mac, Instant now) {
        if (!subnet.isHostAddress(ip)) {
            return false;
        }
        List<Reservation> reserved = store.reservationsByIp(ip);
        // a bonded host's reservations share the address: any of their MACs may have it
        if (!reserved.isEmpty() && reserved.stream().noneMatch(r -> owns(r, mac))) {
            return false;
        }
        Optional<Lease> l = store.leaseByIp(ip);
        if (l.isPresent() && !l.get().mac().equals(mac) && l.get().activeAt(now)) {
            return false;
        }
        Hold h = holds.get(ip);
        if (h != null && !h.mac().equals(mac) && h.expires().isAfter(now)) {
            return false;
        }
        Instant d = declined.get(ip);
        return d == null || !d.isAfter(now);
    }

    static boolean owns(Reservation r, MacAddress mac) {
        return r.mac().equals(mac) || r.relatedMacs().stream().anyMatch(m -> MacAddress.isValid(m)
                && MacAddress.parse(m).equals(mac));
    }

    /**
     * Picks the address to offer a client without a reservation (RFC 2131 section 4.3.1 order: its
     * current or previous address, the requested one, a free one) and holds it until
     * {@code holdUntil}. Empty when the pool is exhausted or the subnet has no range.
     */
    synchronized Optional<Ipv4Address> offer(MacAddress mac, Ipv4Address requested, Ipv4Address exclude,
                                             Instant now, Instant holdUntil) {
        if (subnet.rangeFirst() == null) {
            return Optional.empty();
        }
        Ipv4Address pick = null;
        Ipv4Address held = holdByMac.get(mac);
        if (held != null && inRange(held) && available(held, mac, now)) {
            pick = held;
        }
        if (pick == null) {
            Optional<Lease> lease = store.leaseByMac(subnet.network(), mac);
            if (lease.isPresent() && inRange(lease.get().ip()) && available(lease.get().ip(), mac, now)) {
                pick = lease.get().ip();
            }
        }
        if (pick == null && requested != null && inRange(requested) && !requested.equals(exclude)
                && available(requested, mac, now)) {
            pick = requested;
        }
        if (pick == null) {
            pick = scan(mac, exclude, now);
        }
        if (pick != null) {
            hold(pick, mac, holdUntil);
        }
        return Optional.ofNullable(pick);
    }

    private Ipv4Address scan(MacAddress mac, Ipv4Address exclude, Instant now) {
        long first = subnet.rangeFirst().unsigned();
        long last = subnet.rangeLast().unsigned();
        long size = last - first + 1;
        for (long n = 0; n < size; n++) {
            if (cursor < first || cursor > last) {
                cursor = first;
            }
            Ipv4Address ip = new Ipv4Address((int) cursor);
            cursor++;
            if (!ip.equals(exclude) && available(ip, mac, now)) {
                return ip;
            }
        }
        return null;
    }

    /** Holds {@code ip} for {@code mac} (an offer, or a REQUEST being written). */
    synchronized void hold(Ipv4Address ip, MacAddress mac, Instant until) {
        Ipv4Address previous = holdByMac.put(mac, ip);
        if (previous != null && !previous.equals(ip)) {
            holds.remove(previous);
        }
        holds.put(ip, new Hold(mac, until));
    }

    /** Drops the hold of {@code mac}, e.g. when it chose another server or got its ACK. */
    synchronized void release(MacAddress mac) {
        Ipv4Address ip = holdByMac.remove(mac);
        if (ip != null) {
            Hold h = holds.get(ip);
            if (h != null && h.mac().equals(mac)) {
                holds.remove(ip);
            }
        }
    }

    /** Whether {@code mac} holds an offer (the server knows this client, RFC 2131 4.3.2). */
    synchronized boolean holds(MacAddress mac) {
        return holdByMac.containsKey(mac);
    }

    /**
     * Whether {@code ip} was given to {@code mac}: held for its offer, leased to it (active), or
     * reserved for it. Only then may it DECLINE the address (RFC 2131 4.3.3; Kea likewise).
     */
    synchronized boolean offeredOrLeasedTo(Ipv4Address ip, MacAddress mac, Instant now) {
        Hold h = holds.get(ip);
        if (h != null && h.mac().equals(mac) && h.expires().isAfter(now)) {
            return true;
        }
        Optional<Lease> l = store.leaseByIp(ip);
        if (l.isPresent() && l.get().mac().equals(mac) && l.get().activeAt(now)) {
            return true;
        }
        Optional<Reservation> r = store.reservationByIp(ip);
        return r.isPresent() && owns(r.get(), mac);
    }

    /** Keeps {@code ip} out of the pool until {@code until} (DHCPDECLINE: it is in use by someone). */
    synchronized void decline(Ipv4Address ip, Instant until) {
        declined.put(ip, until);
        Hold h = holds.remove(ip);
        if (h != null) {
            holdByMac.remove(h.mac(), ip);
        }
    }

    /** Forgets expired holds and declines; called periodically. */
    synchronized void sweep(Instant now) {
        for (Iterator<Map.Entry<Ipv4Address, Hold>> it = holds.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Ipv4Address, Hold> e = it.next();
            if (!e.getValue().expires().isAfter(now)) {
                it.remove();
                holdByMac.remove(e.getValue().mac(), e.getKey());
            }
        }
        declined.values().removeIf(until -> !until.isAfter(now));
    }

    synchronized int holdCount() {
        return holds.size();
    }
}
