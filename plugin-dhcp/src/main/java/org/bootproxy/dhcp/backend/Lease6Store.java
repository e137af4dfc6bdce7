package org.bootproxy.dhcp.backend;

import java.io.IOException;
import java.net.Inet6Address;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bootproxy.dhcp.model.Lease6;
import org.bootproxy.dhcp.protocol6.Duid;

/**
 * Where the embedded DHCPv6 server keeps its bindings: the same durable store as DHCPv4's
 * leases. Thread-safe; reads come from memory; a write returns only once the change is durable
 * (it survives {@code kill -9}), and a write that throws left nothing visible.
 */
public interface Lease6Store {

    /** The binding of an identity association, expired or not. */
    Optional<Lease6> lease6(Duid duid, long iaid);

    /** The binding holding {@code ip}, expired or not. */
    Optional<Lease6> lease6ByIp(Inet6Address ip);

    /** Every binding, expired or not. */
    Collection<Lease6> leases6();

    /** Creates or replaces the binding of {@code lease.ip()} (and drops that IA's binding of another address). */
    void saveLease6(Lease6 lease) throws IOException;

    /** Removes the binding of {@code ip}; no-op when there is none. */
    void removeLease6(Inet6Address ip) throws IOException;

    /**
     * Removes every binding whose {@code expires} is at or before {@code expiredBy}, whatever its
     * state, and returns them once their removal is durable (a restart does not bring them back).
     * The test is made again at removal time, so a binding renewed meanwhile stays. On an
     * {@link IOException} the removals that could not be made durable are not visible either.
     */
    List<Lease6> removeLeases6ExpiredBy(Instant expiredBy) throws IOException;
}
