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

    /**
     * Like {@link #saveLease}, without a thread waiting for the disk: the change is applied (and
     * visible to reads) when this method returns, and the returned stage completes once it is
     * durable, or exceptionally (with the {@link IOException}, possibly wrapped in a
     * {@link java.util.concurrent.CompletionException}) when it cannot be made durable. The server
     * sends the ACK only from that completion, so many ACKs can wait on one group commit.
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
