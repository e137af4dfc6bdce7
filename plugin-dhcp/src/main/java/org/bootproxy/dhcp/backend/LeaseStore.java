package org.bootproxy.dhcp.backend;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * What the embedded DHCP server reads and writes: reservations (written by the API) and leases
 * (written by the server). Implemented by the embedded backend's persistent store.
 *
 * <p>Thread-safe. Reads are served from memory and never block on I/O. A write method returns
 * only once the change is durable (it survives {@code kill -9}), so the server may ACK right
 * after it returns.
 */
public interface LeaseStore {

    /** The reservation of {@code mac} (or of a MAC in its {@code related_macs}) in {@code subnet}. */
    Optional<Reservation> reservationByMac(Ipv4Network subnet, MacAddress mac);

    /** The reservation holding {@code ip}, in any subnet. */
    Optional<Reservation> reservationByIp(Ipv4Address ip);

    /** The lease of {@code mac} in {@code subnet}, expired or not. */
    Optional<Lease> leaseByMac(Ipv4Network subnet, MacAddress mac);

    /** The lease holding {@code ip}, expired or not. */
    Optional<Lease> leaseByIp(Ipv4Address ip);

    /** Every lease of a subnet, expired or not. */
    Collection<Lease> leases(Ipv4Network subnet);

    /** Creates or replaces the lease of {@code lease.ip()} durably. */
    void saveLease(Lease lease) throws IOException;

    /** Removes the lease of {@code ip} durably; no-op when there is none. */
    void removeLease(Ipv4Address ip) throws IOException;
}
