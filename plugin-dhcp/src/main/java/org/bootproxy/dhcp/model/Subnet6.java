package org.bootproxy.dhcp.model;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bootproxy.dhcp.Subnet6Config;
import org.bootproxy.spi.net.Ipv6Network;

/**
 * A DHCPv6 subnet of the embedded server: its prefix, the IA_NA pool and the options it hands out.
 *
 * @param first the pool's first address, or null when the subnet has no pool
 * @param last the pool's last address, or null
 */
public record Subnet6(Ipv6Network network, Inet6Address first, Inet6Address last, List<Inet6Address> dnsServers,
                      Duration leaseTime) {

    /** A pool larger than this is still served, but only this many addresses are tried per allocation. */
    public static final int MAX_PROBES = 4096;

    public Subnet6 {
        Objects.requireNonNull(network, "network");
        dnsServers = List.copyOf(dnsServers);
        if ((first == null) != (last == null)) {
            throw new IllegalArgumentException("subnet6 " + network + ": range needs both first and last");
        }
        if (first != null) {
            if (!network.contains(first) || !network.contains(last)) {
                throw new IllegalArgumentException("subnet6 " + network + ": range [" + Ipv6Network.literal(first) + ", "
                        + Ipv6Network.literal(last) + "] is not inside the network");
            }
            if (Ipv6Network.toBigInteger(first).compareTo(Ipv6Network.toBigInteger(last)) > 0) {
                throw new IllegalArgumentException("subnet6 " + network + ": range first "
                        + Ipv6Network.literal(first) + " is after last " + Ipv6Network.literal(last));
            }
        }
        if (leaseTime.isNegative() || leaseTime.isZero() || leaseTime.getSeconds() > 0xfffffffeL) {
            throw new IllegalArgumentException("subnet6 " + network + ": lease_time " + leaseTime + " out of range");
        }
    }

    /**
     * Checks and builds {@code plugins.dhcp.subnets6}.
     *
     * @throws IllegalArgumentException naming the entry and the bad value
     */
    public static List<Subnet6> fromConfig(List<Subnet6Config> configs) {
        List<Subnet6> out = new ArrayList<>();
        for (Subnet6Config c : configs) {
            String where = "plugins.dhcp.subnets6[" + out.size() + "]";
            try {
                Ipv6Network net = Ipv6Network.parse(c.getNetwork());
                List<Inet6Address> range = c.rangeBounds(Ipv6Network::parseAddress);
                Inet6Address first = range.isEmpty() ? null : range.get(0);
                Inet6Address last = range.isEmpty() ? null : range.get(1);
                List<Inet6Address> dns = new ArrayList<>();
                for (String d : c.getDnsServers()) {
                    dns.add(Ipv6Network.parseAddress(d));
                }
                Subnet6 s = new Subnet6(net, first, last, dns, c.leaseDuration());
                for (Subnet6 other : out) {
                    if (other.network.contains(net.address()) || net.contains(other.network.address())) {
                        throw new IllegalArgumentException("network " + net + " overlaps " + other.network);
                    }
                }
                out.add(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    public boolean hasPool() {
        return first != null;
    }

    /** How many addresses the pool has. */
    public BigInteger poolSize() {
        return first == null ? BigInteger.ZERO
                : Ipv6Network.toBigInteger(last).subtract(Ipv6Network.toBigInteger(first)).add(BigInteger.ONE);
    }

    /** Whether {@code a} is in the pool. */
    public boolean inPool(Inet6Address a) {
        if (first == null) {
            return false;
        }
        BigInteger v = Ipv6Network.toBigInteger(a);
        return v.compareTo(Ipv6Network.toBigInteger(first)) >= 0 && v.compareTo(Ipv6Network.toBigInteger(last)) <= 0;
    }

    /** The pool's address at {@code index} (0-based, below {@link #poolSize()}). */
    public Inet6Address poolAddress(BigInteger index) {
        return Ipv6Network.fromBigInteger(Ipv6Network.toBigInteger(first).add(index));
    }
}
