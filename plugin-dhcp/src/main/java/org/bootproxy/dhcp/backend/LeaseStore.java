package org.bootproxy.dhcp.backend;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * after it returns. A write that fails leaves nothing visible: the change is rolled back before
 * the error is reported.
 */
public interface LeaseStore {

    /** The reservation of {@code mac} (or of a MAC in its {@code related_macs}) in {@code subnet}. */
    Optional<Reservation> reservationByMac(Ipv4Network subnet, MacAddress mac);

    /** A reservation holding {@code ip}, in any subnet (the first of {@link #reservationsByIp}). */
    Optional<Reservation> reservationByIp(Ipv4Address ip);

    /**
     * Every reservation holding {@code ip}, in any subnet: several when a bonded host's MACs share
     * it (each names the others in {@code related_macs}, see {@link DhcpBackend}); the server gives
     * the address to whichever of them asks. Default: {@link #reservationByIp} only.
     */
    default java.util.List<Reservation> reservationsByIp(Ipv4Address ip) {
        return reservationByIp(ip).map(java.util.List::of).orElse(java.util.List.of());
    }

    /** The lease of {@code mac} in {@code subnet}, expired or not. */
    Optional<Lease> leaseByMac(Ipv4Network subnet, MacAddress mac);

    /** The lease holding {@code ip}, expired or not. */
    Optional<Lease> leaseByIp(Ipv4Address ip);

    /** Every lease of a subnet, expired or not. */
    Collection<Lease> leases(Ipv4Network subnet);

    /** Creates or replaces the lease of {@code lease.ip()} durably. */
    void saveLease(Lease lease) throws IOException;

    /**
     * Like {@link #saveLease}, without a thread waiting for the disk: the change is applied (and
     * visible to reads) when this method returns, and the returned stage completes once it is
     * durable, or exceptionally (with the {@link IOException}, possibly wrapped in a
     * {@link java.util.concurrent.CompletionException}) when it cannot be made durable, in which
     * case the lease has been rolled back (no longer visible) before the stage fails. The server
     * sends the ACK only from a successful completion, so many ACKs can wait on one group commit.
     *
     * <p>The stage may complete on the store's own I/O thread: callers must not block or call back
     * into the store's synchronous writes from a dependent action (use an async continuation).
     * Default: {@link #saveLease} on the calling thread.
     */
    default CompletionStage<Void> saveLeaseAsync(Lease lease) {
        try {
            saveLease(lease);
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Removes the lease of {@code ip} durably; no-op when there is none. */
    void removeLease(Ipv4Address ip) throws IOException;
}
