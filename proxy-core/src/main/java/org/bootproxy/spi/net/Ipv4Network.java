package org.bootproxy.spi.net;

/**
 * An IPv4 network: address and prefix length, the address being the network address.
 *
 * @param address the network address (host bits zero)
 * @param prefix the prefix length, 0..32
 */
public record Ipv4Network(Ipv4Address address, int prefix) {

    public Ipv4Network {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("Invalid prefix length: " + prefix);
        }
        if ((address.value() & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException("Not a network address: " + address + "/" + prefix);
        }
    }

    /** Parses {@code 192.0.2.0/24} or {@code 192.0.2.0/255.255.255.0}. */
    public static Ipv4Network parse(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("Invalid network (expected a.b.c.d/len): " + cidr);
        }
        Ipv4Address a = Ipv4Address.parse(cidr.substring(0, slash));
        String p = cidr.substring(slash + 1);
        int prefix;
        if (p.contains(".")) {
            prefix = prefixOf(Ipv4Address.parse(p));
        } else {
            try {
                prefix = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid network (expected a.b.c.d/len): " + cidr);
            }
        }
        return new Ipv4Network(a, prefix);
    }

    /** The prefix length of a netmask. */
    public static int prefixOf(Ipv4Address netmask) {
        int m = netmask.value();
        int prefix = Integer.bitCount(m);
        if (m != mask(prefix)) {
            throw new IllegalArgumentException("Invalid netmask: " + netmask);
        }
        return prefix;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public Ipv4Address netmask() {
        return new Ipv4Address(mask(prefix));
    }

    public Ipv4Address broadcast() {
        return new Ipv4Address(address.value() | ~mask(prefix));
    }

    public boolean contains(Ipv4Address a) {
        return (a.value() & mask(prefix)) == address.value();
    }

    /** {@code network/netmask}, as Foreman's record JSON shows a subnet. */
    public String toNetmaskString() {
        return address + "/" + netmask();
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
