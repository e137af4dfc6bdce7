package org.bootproxy.dhcp.backend;

import java.util.List;
import java.util.Optional;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;

/**
 * Where the {@code /dhcp} API reads and writes host reservations and reads leases: the embedded
 * server's store, or an external DHCP server (ISC dhcpd over OMAPI and its leases file, dnsmasq
 * host files, Kea's control socket). Chosen by {@code plugins.dhcp.provider}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Subnets.</b> {@link #subnets()} are the subnets the backend manages, with the options
 *       {@code GET /dhcp} shows. Every other method takes one of them; a record belongs to
 *       exactly one subnet.</li>
 *   <li><b>Reads</b> are exact: {@link #reservationByMac} matches the reservation's own MAC only
 *       (not its {@code related_macs}), {@link #reservationByIp} its address only. Lease reads
 *       return <em>active</em> leases only (not expired, released or free ones): an expired lease
 *       is no conflict for the orchestrator. Reads may be served from a cache that is at most as
 *       old as the last write through this backend; a backend whose data can change behind its
 *       back (an external server) must say in its own Javadoc how stale a read can be.</li>
 *   <li><b>Writes</b> return only once the change is durable in the backend (fsynced for the
 *       embedded store; acknowledged by the server for OMAPI/Kea). A write that throws did not
 *       take effect, except {@link BackendUnavailableException}, whose message says when the
 *       outcome is unknown.</li>
 *   <li><b>Conflicts.</b> {@link #addReservation} compares with the reservations of the subnet
 *       only (leases are ignored): an identical reservation (every field equal) is
 *       {@link AddOutcome#UNCHANGED}; one with the same MAC but any other difference is a
 *       {@link ReservationConflictException}, and so is one with the same IP, unless the bonded
 *       rule below allows it. Nothing is replaced implicitly; the orchestrator deletes and
 *       re-creates.</li>
 *   <li><b>Bonded and multi-NIC hosts.</b> Foreman gives a host with several interfaces on one
 *       IP one reservation per MAC, all with that IP (names {@code <host>-01},
 *       {@code <host>-02}, ...), each listing the other MACs in {@code related_macs}. Reservations
 *       whose MACs name each other may share the IP: a new reservation with the IP of existing
 *       ones is stored when, for every existing reservation E of that IP, the new one lists E's
 *       MAC in its {@code related_macs} and E lists the new MAC in its own; otherwise it is a
 *       conflict with the first E that does not. Sharing reservations are each listed by
 *       {@link #reservations} and {@link #reservationsByIp} and are not conflicts of each other;
 *       {@link #deleteReservation} removes only the one with the given MAC and leaves the others.
 *       A DHCP server behind the backend must give the address to whichever of those MACs asks.
 *       Applies to every provider (as smart-proxy's providers do).</li>
 *   <li><b>Not deleteable.</b> Leases belong to the DHCP server and are never deleted through
 *       this interface. A reservation with {@code deleteable == false} is a static host the
 *       backend read from its own configuration (e.g. a {@code host} block in dhcpd.conf that
 *       is not OMAPI-managed); {@link #deleteReservation} refuses it with
 *       {@link NotDeleteableException}.</li>
 *   <li><b>Unreachable.</b> Any method may throw {@link BackendUnavailableException} when the
 *       backend cannot be read or written (I/O failure, socket down, timeout); the API answers
 *       503. Backends bound their own waiting (connect/read timeouts), so no call blocks
 *       forever.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe. {@link #close()} is called once at shutdown.
 */
public interface DhcpBackend extends AutoCloseable {

    /** The provider name, as {@code plugins.dhcp.provider} and {@code use_provider} show it. */
    String provider();

    /** The managed subnets, in configuration order. */
    List<Subnet> subnets() throws BackendUnavailableException;

    /** The managed subnet whose network address is {@code network}. */
    default Optional<Subnet> subnet(Ipv4Address network) throws BackendUnavailableException {
        return subnets().stream().filter(s -> s.network().address().equals(network)).findFirst();
    }

    /** Every reservation of {@code subnet}, in a stable order (by IP). */
    List<Reservation> reservations(Subnet subnet) throws BackendUnavailableException;

    /** Every active lease of {@code subnet}, by IP. */
    List<Lease> activeLeases(Subnet subnet) throws BackendUnavailableException;

    /** The reservation whose own MAC is {@code mac} in {@code subnet}. */
    Optional<Reservation> reservationByMac(Subnet subnet, MacAddress mac) throws BackendUnavailableException;

    /**
     * A reservation of {@code ip} in {@code subnet}; when several share it (bonded hosts, see the
     * class comment), the first of {@link #reservationsByIp}.
     */
    Optional<Reservation> reservationByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException;

    /**
     * Every reservation of {@code ip} in {@code subnet}: one, none, or several that share the IP by
     * the bonded rule (see the class comment), ordered by MAC. A provider that can hold shared
     * reservations must override the default, which returns {@link #reservationByIp} only.
     */
    default List<Reservation> reservationsByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        return reservationByIp(subnet, ip).map(List::of).orElse(List.of());
    }

    /** The active lease of {@code mac} in {@code subnet} (the most recent one if several). */
    Optional<Lease> activeLeaseByMac(Subnet subnet, MacAddress mac) throws BackendUnavailableException;

    /** The active lease of {@code ip} in {@code subnet}. */
    Optional<Lease> activeLeaseByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException;

    /**
     * Stores a reservation (see the class comment for conflicts). The reservation's subnet must be
     * one of {@link #subnets()}.
     */
    AddOutcome addReservation(Reservation reservation)
            throws ReservationConflictException, RecordRejectedException, BackendUnavailableException;

    /**
     * Deletes the reservation with the subnet, MAC and IP of {@code reservation}; other
     * reservations sharing its IP (bonded hosts) stay.
     *
     * @return false when there was no such reservation (nothing to do)
     * @throws NotDeleteableException when it is a static host ({@code deleteable == false})
     */
    boolean deleteReservation(Reservation reservation) throws NotDeleteableException, BackendUnavailableException;

    /**
     * Whether the backend can serve reads and writes now; for the health check.
     *
     * @throws BackendUnavailableException with the reason when it cannot
     */
    void checkHealth() throws BackendUnavailableException;

    /** Releases files, sockets and threads. Must not throw. */
    @Override
    void close();
}
