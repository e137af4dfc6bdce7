package org.bootproxy.dhcp.protocol6;

import java.util.Optional;

/** DHCPv6 message types (RFC 8415 section 7.3). */
public enum Dhcp6MessageType {
    SOLICIT(1),
    ADVERTISE(2),
    REQUEST(3),
    CONFIRM(4),
    RENEW(5),
    REBIND(6),
    REPLY(7),
    RELEASE(8),
    DECLINE(9),
    RECONFIGURE(10),
    INFORMATION_REQUEST(11),
    RELAY_FORW(12),
    RELAY_REPL(13);

    private final int code;

    Dhcp6MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type of {@code code}, or empty for a type this server does not know. */
    public static Optional<Dhcp6MessageType> of(int code) {
        for (Dhcp6MessageType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Whether messages of this type carry a relay header (hop count, link and peer address). */
    public boolean isRelay() {
        return this == RELAY_FORW || this == RELAY_REPL;
    }
}
