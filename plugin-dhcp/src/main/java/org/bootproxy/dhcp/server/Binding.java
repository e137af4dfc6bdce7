package org.bootproxy.dhcp.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Objects;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;

/**
 * One entry of {@code plugins.dhcp.interfaces}, resolved: the interface and its IPv4 address.
 *
 * @param configured the entry as written (interface name or address)
 * @param interfaceName the interface's name
 * @param address the interface address the server uses (server identifier, default next server)
 * @param network the interface's network (address and prefix)
 */
public record Binding(String configured, String interfaceName, Ipv4Address address, Ipv4Network network) {

    public Binding {
        Objects.requireNonNull(configured, "configured");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(network, "network");
    }

    /**
     * Resolves an interface name ({@code br0}) or a local IPv4 address ({@code 192.0.2.1}).
     *
     * @throws IllegalArgumentException naming the entry when there is no such interface or address,
     *     or the interface has no IPv4 address
     */
    public static Binding resolve(String entry) {
        String e = entry == null ? "" : entry.trim();
        try {
            if (Ipv4Address.isValid(e)) {
                Ipv4Address a = Ipv4Address.parse(e);
                NetworkInterface nif = NetworkInterface.getByInetAddress(a.toInetAddress());
                if (nif == null) {
                    throw new IllegalArgumentException("plugins.dhcp.interfaces: " + e + " is not an address of this host");
                }
                for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                    if (ia.getAddress() instanceof Inet4Address v4 && Ipv4Address.of(v4).equals(a)) {
                        return new Binding(e, nif.getName(), a, network(a, ia.getNetworkPrefixLength()));
                    }
                }
                throw new IllegalArgumentException("plugins.dhcp.interfaces: " + e + " is not an address of this host");
            }
            NetworkInterface nif = NetworkInterface.getByName(e);
            if (nif == null) {
                throw new IllegalArgumentException("plugins.dhcp.interfaces: no interface named '" + e + "'");
            }
            for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                InetAddress addr = ia.getAddress();
                if (addr instanceof Inet4Address v4) {
                    Ipv4Address a = Ipv4Address.of(v4);
                    return new Binding(e, nif.getName(), a, network(a, ia.getNetworkPrefixLength()));
                }
            }
            throw new IllegalArgumentException("plugins.dhcp.interfaces: interface '" + e + "' has no IPv4 address");
        } catch (SocketException ex) {
            throw new IllegalArgumentException("plugins.dhcp.interfaces: cannot read interface '" + e + "': " + ex.getMessage(), ex);
        }
    }

    private static Ipv4Network network(Ipv4Address a, int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return new Ipv4Network(new Ipv4Address(a.value() & mask), prefix);
    }
}
