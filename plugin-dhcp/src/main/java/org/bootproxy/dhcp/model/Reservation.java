package org.bootproxy.dhcp.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * A host reservation: a MAC bound to a fixed address, with the boot file Foreman sets.
 *
 * @param name the record name (Foreman sends {@code name} and {@code hostname}, usually equal)
 * @param hostname the host name (option 12)
 * @param ip the reserved address, inside {@code subnet}
 * @param mac the client's MAC
 * @param subnet the managed subnet the reservation belongs to
 * @param filename boot file name (TFTP path or http(s) URL), or null
 * @param nextServer next-server (IPv4 or host name), or null
 * @param relatedMacs further MACs of the same host (Foreman's {@code related_macs[]})
 * @param options other options passed through by the API, by name
 * @param deleteable false for a static host the API may not delete (e.g. from a config file)
 */
public record Reservation(String name, String hostname, Ipv4Address ip, MacAddress mac, Ipv4Network subnet,
                          String filename, String nextServer, List<String> relatedMacs, Map<String, String> options,
                          boolean deleteable) {

    public Reservation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(subnet, "subnet");
        if (!subnet.contains(ip)) {
            throw new IllegalArgumentException("IP " + ip + " is not in subnet " + subnet);
        }
        relatedMacs = relatedMacs == null ? List.of() : List.copyOf(relatedMacs);
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
