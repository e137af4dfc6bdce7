package org.bootproxy.dhcp.model;

import java.net.Inet6Address;
import java.time.Instant;
import java.util.Objects;
import org.bootproxy.dhcp.protocol6.Duid;
import org.bootproxy.spi.net.Ipv6Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * A DHCPv6 address binding (RFC 8415 section 6.3): one address of one identity association,
 * keyed by the client's DUID and the IA's IAID.
 *
 * @param mac the client's MAC where its DUID or a relay says it, else null
 * @param state {@code ACTIVE} (until {@code expires}), {@code RELEASED} or {@code DECLINED} (kept
 *     until {@code expires} so the address is not handed out again meanwhile)
 */
public record Lease6(Inet6Address ip, Duid duid, long iaid, MacAddress mac, Instant expires, State state) {

    public enum State { ACTIVE, RELEASED, DECLINED }

    public Lease6 {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(duid, "duid");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(state, "state");
        if (iaid < 0 || iaid > 0xffffffffL) {
            throw new IllegalArgumentException("IAID " + iaid + " is not an unsigned 32-bit value");
        }
    }

    /** Whether the binding still holds its address at {@code now}. */
    public boolean holds(Instant now) {
        return state != State.RELEASED && now.isBefore(expires);
    }

    public boolean ownedBy(Duid d, long ia) {
        return duid.equals(d) && iaid == ia;
    }

    @Override
    public String toString() {
        return Ipv6Network.literal(ip) + " duid " + duid + " iaid " + iaid + (mac == null ? "" : " mac " + mac) + " "
                + state + " until " + expires;
    }
}
