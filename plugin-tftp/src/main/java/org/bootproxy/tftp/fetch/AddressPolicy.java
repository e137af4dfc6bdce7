package org.bootproxy.tftp.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which addresses fetch_boot_file may connect to. By default it refuses what a download of a
 * kernel never needs and what would let a caller of {@code /tftp} reach the proxy's own services
 * and publish their answers under {@code /httpboot/}: loopback ({@code 127.0.0.0/8}, {@code ::1}),
 * link-local ({@code 169.254.0.0/16}, {@code fe80::/10}), unspecified ({@code 0.0.0.0/8},
 * {@code ::}), multicast and broadcast, and every address of this host's own interfaces (so every
 * listener of the proxy, its admin connector included, whatever address it binds). IPv4-mapped
 * and IPv4-compatible IPv6 forms are judged as the IPv4 address they carry. An address inside one
 * of the allowed networks ({@code fetch_allowed_networks}) is accepted whatever it is.
 *
 * <p>Immutable and thread-safe.
 */
public final class AddressPolicy {

    private final List<Network> allowed;

    /** @param allowed networks let through although the default rules refuse them */
    public AddressPolicy(List<Network> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** The default policy: nothing allowed beyond the rules. */
    public static AddressPolicy defaults() {
        return new AddressPolicy(List.of());
    }

    /** Parses {@code fetch_allowed_networks}: CIDRs ({@code 127.0.0.0/8}, {@code ::1/128}) or single addresses. */
    public static AddressPolicy allowing(List<String> networks) {
        return new AddressPolicy(networks.stream().map(Network::parse).toList());
    }

    /** The allowed networks. */
    public List<Network> allowed() {
        return allowed;
    }

    /**
     * Why a download may not connect to {@code address}.
     *
     * @return empty when it may
     */
    public Optional<String> refusal(InetAddress address) {
        for (Network n : allowed) {
            if (n.contains(address)) {
                return Optional.empty();
            }
        }
        InetAddress a = embeddedIpv4(address).orElse(address);
        if (a.isLoopbackAddress()) {
            return Optional.of("loopback address");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("link-local address");
        }
        if (a.isAnyLocalAddress() || (a instanceof Inet4Address && (a.getAddress()[0] == 0))) {
            return Optional.of("unspecified address");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("multicast address");
        }
        if (a instanceof Inet4Address && a.getAddress()[0] == (byte) 255) {
            return Optional.of("broadcast address");
        }
        if (isOwnAddress(a)) {
            return Optional.of("an address of this host (the proxy's own listeners)");
        }
        return Optional.empty();
    }

    private static boolean isOwnAddress(InetAddress a) {
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return true; // cannot tell: refuse rather than reach the proxy itself
        }
    }

    /** The IPv4 address an IPv4-mapped ({@code ::ffff:a.b.c.d}) or -compatible ({@code ::a.b.c.d}) address carries. */
    static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return Optional.empty();
        }
        byte[] b = v6.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return Optional.empty();
            }
        }
        boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && (b[12] != 0 || b[13] != 0); // not ::, ::1
        if (!mapped && !compatible) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /**
     * A network of {@code fetch_allowed_networks}: address bytes and prefix length.
     *
     * @param address the network address (host bits zero), 4 or 16 bytes
     * @param prefix the prefix length
     */
    public record Network(InetAddress address, int prefix) {

        public Network {
            Objects.requireNonNull(address, "address");
            int bits = address.getAddress().length * 8;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("Invalid prefix length /" + prefix + " for "
                        + address.getHostAddress());
            }
        }

        /** Parses {@code 192.0.2.0/24}, {@code fd00::/8} or a single address; never a DNS look-up. */
        public static Network parse(String cidr) {
            if (cidr == null || cidr.isBlank()) {
                throw new IllegalArgumentException("Invalid network in fetch_allowed_networks: empty");
            }
            String s = cidr.trim();
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            // only a literal: InetAddress.getByName would look a name up in DNS
            if (addr.isEmpty() || !addr.toLowerCase(Locale.ROOT).matches("[0-9a-f:.]+")
                    || (!addr.contains(":") && !addr.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
                throw new IllegalArgumentException("Invalid network in fetch_allowed_networks: " + cidr);
            }
            InetAddress a;
            try {
                a = InetAddress.getByName(addr);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("Invalid network in fetch_allowed_networks: " + cidr);
            }
            int bits = a.getAddress().length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid network in fetch_allowed_networks: " + cidr);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("Invalid network in fetch_allowed_networks: " + cidr);
            }
            return new Network(a, prefix);
        }

        /** Whether {@code candidate} (or the IPv4 address it carries) is inside this network. */
        public boolean contains(InetAddress candidate) {
            byte[] net = address.getAddress();
            byte[] c = candidate.getAddress();
            if (c.length != net.length) {
                Optional<InetAddress> v4 = embeddedIpv4(candidate);
                if (v4.isEmpty() || net.length != 4) {
                    return false;
                }
                c = v4.get().getAddress();
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (net[i] != c[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (net[full] & mask) == (c[full] & mask);
        }

        @Override
        public String toString() {
            return address.getHostAddress() + "/" + prefix;
        }
    }
}
