package org.bootproxy.dhcp.model;

import java.time.Instant;
import java.util.Objects;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * A dynamic lease handed out by the embedded DHCP server.
 *
 * @param ip the leased address
 * @param mac the client's MAC
 * @param subnet the subnet of the address
 * @param starts when the lease was granted
 * @param ends when it expires
 * @param hostname the client's host name (option 12), or null
 */
public record Lease(Ipv4Address ip, MacAddress mac, Ipv4Network subnet, Instant starts, Instant ends,
                    String hostname) {

    public Lease {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(starts, "starts");
        Objects.requireNonNull(ends, "ends");
    }

    public boolean activeAt(Instant now) {
        return ends.isAfter(now);
    }
}
