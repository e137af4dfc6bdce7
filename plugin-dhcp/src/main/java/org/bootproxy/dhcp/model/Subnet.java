package org.bootproxy.dhcp.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bootproxy.dhcp.SubnetConfig;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;

/**
 * A managed subnet, validated: what {@code plugins.dhcp.subnets} describes and what
 * {@code GET /dhcp} lists.
 *
 * @param network the network (CIDR)
 * @param rangeFirst first address of the dynamic pool, or null when the subnet has no pool
 * @param rangeLast last address of the dynamic pool, or null when the subnet has no pool
 * @param routers option 3, in order
 * @param domainNameServers option 6, in order
 * @param domainName option 15, or null
 * @param ntpServers option 42, in order
 * @param leaseTime the dynamic lease time
 * @param interfaceMtu option 26, or null
 */
public record Subnet(Ipv4Network network, Ipv4Address rangeFirst, Ipv4Address rangeLast, List<Ipv4Address> routers,
                     List<Ipv4Address> domainNameServers, String domainName, List<Ipv4Address> ntpServers,
                     Duration leaseTime, Integer interfaceMtu) {

    public Subnet {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(leaseTime, "leaseTime");
        if ((rangeFirst == null) != (rangeLast == null)) {
            throw new IllegalArgumentException("subnet " + network + ": range needs both first and last address");
        }
        if (rangeFirst != null) {
            if (!network.contains(rangeFirst) || !network.contains(rangeLast)) {
                throw new IllegalArgumentException("subnet " + network + ": range " + rangeFirst + "-" + rangeLast
                        + " is not inside the subnet");
            }
            if (rangeFirst.compareTo(rangeLast) > 0) {
                throw new IllegalArgumentException("subnet " + network + ": range " + rangeFirst + "-" + rangeLast
                        + " has first > last");
            }
        }
        routers = List.copyOf(routers == null ? List.of() : routers);
        domainNameServers = List.copyOf(domainNameServers == null ? List.of() : domainNameServers);
        ntpServers = List.copyOf(ntpServers == null ? List.of() : ntpServers);
        if (leaseTime.isNegative() || leaseTime.isZero()) {
            throw new IllegalArgumentException("subnet " + network + ": lease_time must be positive: " + leaseTime);
        }
        if (interfaceMtu != null && (interfaceMtu < 68 || interfaceMtu > 65535)) {
            throw new IllegalArgumentException("subnet " + network + ": interface_mtu " + interfaceMtu
                    + " out of range 68..65535");
        }
    }

    /**
     * Validates one {@code plugins.dhcp.subnets} entry.
     *
     * @throws IllegalArgumentException naming the subnet and the bad value
     */
    public static Subnet fromConfig(SubnetConfig c) {
        Ipv4Network net;
        try {
            net = Ipv4Network.parse(c.getNetwork());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("plugins.dhcp.subnets: " + e.getMessage(), e);
        }
        String where = "plugins.dhcp.subnets[" + net + "]";
        List<Ipv4Address> range;
        try {
            range = c.rangeBounds(Ipv4Address::parse);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "." + e.getMessage(), e);
        }
        Ipv4Address first = range.isEmpty() ? null : range.get(0);
        Ipv4Address last = range.isEmpty() ? null : range.get(1);
        Integer mtu = c.getInterfaceMtu();
        try {
            return new Subnet(net, first, last, parseAll(where + ".routers", c.getRouters()),
                    parseAll(where + ".domain_name_servers", c.getDomainNameServers()),
                    c.getDomainName() == null || c.getDomainName().isBlank() ? null : c.getDomainName().trim(),
                    parseAll(where + ".ntp_servers", c.getNtpServers()),
                    c.leaseDuration(), mtu);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("plugins.dhcp.subnets: " + e.getMessage(), e);
        }
    }

    /**
     * Validates every subnet of the configuration and refuses overlapping ones (an address must
     * belong to exactly one managed subnet).
     */
    public static List<Subnet> fromConfig(List<SubnetConfig> configs) {
        List<Subnet> out = new ArrayList<>();
        for (SubnetConfig c : configs) {
            Subnet s = fromConfig(c);
            for (Subnet o : out) {
                if (o.network().contains(s.network().address()) || s.network().contains(o.network().address())) {
                    throw new IllegalArgumentException("plugins.dhcp.subnets: " + s.network() + " overlaps "
                            + o.network());
                }
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static Ipv4Address parse(String where, String text) {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static List<Ipv4Address> parseAll(String where, List<String> texts) {
        List<Ipv4Address> out = new ArrayList<>();
        for (String t : texts == null ? List.<String>of() : texts) {
            out.add(parse(where, t));
        }
        return out;
    }

    /** The lowest address a host may use: the network address + 1 (for /31 and /32 the network itself). */
    public Ipv4Address firstHost() {
        return network.prefix() >= 31 ? network.address() : network.address().plus(1);
    }

    /** The highest address a host may use: the broadcast address - 1 (for /31 and /32 the broadcast itself). */
    public Ipv4Address lastHost() {
        Ipv4Address b = network.broadcast();
        return network.prefix() >= 31 ? b : new Ipv4Address(b.value() - 1);
    }

    /** Whether {@code ip} is a host address of this subnet (not the network or broadcast address). */
    public boolean isHostAddress(Ipv4Address ip) {
        return network.contains(ip) && ip.compareTo(firstHost()) >= 0 && ip.compareTo(lastHost()) <= 0;
    }
}
