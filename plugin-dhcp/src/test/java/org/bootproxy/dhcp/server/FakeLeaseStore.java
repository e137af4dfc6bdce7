package org.bootproxy.dhcp.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;

/** An in-memory {@link LeaseStore} for tests; records every write and can be told to fail them. */
public class FakeLeaseStore implements LeaseStore {

    final Map<Ipv4Address, Reservation> reservations = new ConcurrentHashMap<>();
    final Map<Ipv4Address, Lease> leases = new ConcurrentHashMap<>();
    final List<String> writes = new CopyOnWriteArrayList<>();
    volatile boolean failWrites;

    public FakeLeaseStore reserve(Reservation r) {
        reservations.put(r.ip(), r);
        return this;
    }

    @Override
    public Optional<Reservation> reservationByMac(Ipv4Network subnet, MacAddress mac) {
        return reservations.values().stream().filter(r -> r.subnet().equals(subnet))
                .filter(r -> AddressPool.owns(r, mac)).findFirst();
    }

    @Override
    public Optional<Reservation> reservationByIp(Ipv4Address ip) {
        return Optional.ofNullable(reservations.get(ip));
    }

    @Override
    public Optional<Lease> leaseByMac(Ipv4Network subnet, MacAddress mac) {
        return leases.values().stream().filter(l -> l.subnet().equals(subnet) && l.mac().equals(mac))
                .max((a, b) -> a.starts().compareTo(b.starts()));
    }

    @Override
    public Optional<Lease> leaseByIp(Ipv4Address ip) {
        return Optional.ofNullable(leases.get(ip));
    }

    @Override
    public Collection<Lease> leases(Ipv4Network subnet) {
        return new ArrayList<>(leases.values().stream().filter(l -> l.subnet().equals(subnet)).toList());
    }

    @Override
    public void saveLease(Lease lease) throws IOException {
        if (failWrites) {
            throw new IOException("disk full (test)");
        }
        writes.add("save " + lease.ip() + " " + lease.mac());
        leases.put(lease.ip(), lease);
    }

    @Override
    public void removeLease(Ipv4Address ip) throws IOException {
        if (failWrites) {
            throw new IOException("disk full (test)");
        }
        writes.add("remove " + ip);
        leases.remove(ip);
    }
}
