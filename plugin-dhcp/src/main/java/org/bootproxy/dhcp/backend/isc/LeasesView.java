package org.bootproxy.dhcp.backend.isc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bootproxy.dhcp.backend.isc.LeasesParser.HostRecord;
import org.bootproxy.dhcp.backend.isc.LeasesParser.LeaseRecord;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * The state dhcpd.leases describes: the last record of each lease address, and the OMAPI-created
 * hosts that are not deleted, indexed for the API's reads. Later records replace earlier ones, as
 * dhcpd itself reads the file. Not thread-safe: {@link LeasesFollower} guards it with a lock.
 */
final class LeasesView implements LeasesParser.Sink {

    private final TreeMap<Ipv4Address, LeaseRecord> leases = new TreeMap<>();
    private final Map<MacAddress, Set<Ipv4Address>> leaseIpsByMac = new HashMap<>();
    private final Map<String, HostRecord> hosts = new HashMap<>();
    private final Map<MacAddress, Set<String>> hostsByMac = new HashMap<>();
    private final TreeMap<Ipv4Address, Set<String>> hostsByIp = new TreeMap<>();
    private long records;

    /** Number of lease and host records applied. */
    long records() {
        return records;
    }

    int leaseCount() {
        return leases.size();
    }

    int hostCount() {
        return hosts.size();
    }

    @Override
    public void lease(LeaseRecord l) {
        records++;
        LeaseRecord old = leases.put(l.ip(), l);
        if (old != null && old.mac() != null && !old.mac().equals(l.mac())) {
            unindex(leaseIpsByMac, old.mac(), old.ip());
        }
        if (l.mac() != null) {
            leaseIpsByMac.computeIfAbsent(l.mac(), k -> new HashSet<>(2)).add(l.ip());
        }
    }

    @Override
    public void host(HostRecord h) {
        records++;
        HostRecord old = hosts.remove(h.name());
        if (old != null) {
            if (old.mac() != null) {
                unindex(hostsByMac, old.mac(), old.name());
            }
            if (old.ip() != null) {
                unindex(hostsByIp, old.ip(), old.name());
            }
        }
        if (h.deleted() || h.mac() == null || h.ip() == null || h.hardwareType() != 1) {
            return;
        }
        hosts.put(h.name(), h);
        hostsByMac.computeIfAbsent(h.mac(), k -> new HashSet<>(2)).add(h.name());
        hostsByIp.computeIfAbsent(h.ip(), k -> new HashSet<>(2)).add(h.name());
    }

    private static <K, V> void unindex(Map<K, Set<V>> index, K key, V value) {
        Set<V> s = index.get(key);
        if (s != null) {
            s.remove(value);
            if (s.isEmpty()) {
                index.remove(key);
            }
        }
    }

    HostRecord host(String name) {
        return hosts.get(name);
    }

    /** Hosts whose hardware address is {@code mac}. */
    List<HostRecord> hostsByMac(MacAddress mac) {
        return records(hostsByMac.get(mac));
    }

    /** Hosts whose fixed address is {@code ip}. */
    List<HostRecord> hostsByIp(Ipv4Address ip) {
        return records(hostsByIp.get(ip));
    }

    /** Hosts with a fixed address in {@code net}, by IP. */
    List<HostRecord> hostsIn(Ipv4Network net) {
        List<HostRecord> out = new ArrayList<>();
        for (Set<String> names : hostsByIp.subMap(net.address(), true, net.broadcast(), true).values()) {
            out.addAll(records(names));
        }
        return out;
    }

    private List<HostRecord> records(Collection<String> names) {
        if (names == null) {
            return List.of();
        }
        List<HostRecord> out = new ArrayList<>(names.size());
        for (String n : names) {
            out.add(hosts.get(n));
        }
        out.sort((a, b) -> a.mac().toString().compareTo(b.mac().toString()));
        return out;
    }

    LeaseRecord lease(Ipv4Address ip) {
        return leases.get(ip);
    }

    /** Active leases of {@code mac} in {@code net}. */
    List<LeaseRecord> activeLeasesOf(MacAddress mac, Ipv4Network net, Instant now) {
        Set<Ipv4Address> ips = leaseIpsByMac.get(mac);
        if (ips == null) {
            return List.of();
        }
        List<LeaseRecord> out = new ArrayList<>();
        for (Ipv4Address ip : ips) {
            LeaseRecord l = leases.get(ip);
            if (l != null && net.contains(ip) && l.activeAt(now)) {
                out.add(l);
            }
        }
        return out;
    }

    /** Active leases in {@code net}, by IP. */
    List<LeaseRecord> activeLeases(Ipv4Network net, Instant now) {
        List<LeaseRecord> out = new ArrayList<>();
        for (LeaseRecord l : leases.subMap(net.address(), true, net.broadcast(), true).values()) {
            if (l.activeAt(now)) {
                out.add(l);
            }
        }
        return out;
    }
}
