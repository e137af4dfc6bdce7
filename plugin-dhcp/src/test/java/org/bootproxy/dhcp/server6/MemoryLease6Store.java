package org.bootproxy.dhcp.server6;

import java.io.IOException;
import java.net.Inet6Address;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bootproxy.dhcp.backend.Lease6Store;
import org.bootproxy.dhcp.model.Lease6;
import org.bootproxy.dhcp.protocol6.Duid;

/** A hand-written in-memory {@link Lease6Store} for engine tests; {@link #failWrites} makes writes throw. */
final class MemoryLease6Store implements Lease6Store {

    final Map<Inet6Address, Lease6> byIp = new ConcurrentHashMap<>();
    volatile boolean failWrites;

    @Override
    public Optional<Lease6> lease6(Duid duid, long iaid) {
        return byIp.values().stream().filter(l -> l.ownedBy(duid, iaid)).findFirst();
    }

    @Override
    public Optional<Lease6> lease6ByIp(Inet6Address ip) {
        return Optional.ofNullable(byIp.get(ip));
    }

    @Override
    public Collection<Lease6> leases6() {
        return List.copyOf(byIp.values());
    }

    @Override
    public synchronized void saveLease6(Lease6 lease) throws IOException {
        if (failWrites) {
            throw new IOException("No space left on device");
        }
        byIp.values().removeIf(l -> l.ownedBy(lease.duid(), lease.iaid()) && !l.ip().equals(lease.ip()));
        byIp.put(lease.ip(), lease);
    }

    @Override
    public synchronized void removeLease6(Inet6Address ip) throws IOException {
        if (failWrites) {
            throw new IOException("No space left on device");
        }
        byIp.remove(ip);
    }

    @Override
    public synchronized List<Lease6> removeLeases6ExpiredBy(Instant expiredBy) throws IOException {
        if (failWrites) {
            throw new IOException("No space left on device");
        }
        List<Lease6> removed = new ArrayList<>();
        byIp.values().removeIf(l -> !l.expires().isAfter(expiredBy) && removed.add(l));
        return removed;
    }
}
