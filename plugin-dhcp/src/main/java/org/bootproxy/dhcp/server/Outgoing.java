package org.bootproxy.dhcp.server;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.bootproxy.dhcp.protocol.DhcpMessage;

/**
 * A reply and where to send it (RFC 2131 section 4.1).
 *
 * @param message the reply
 * @param destination address and port; {@code 255.255.255.255:68} for a broadcast
 */
public record Outgoing(DhcpMessage message, InetSocketAddress destination) {

    public Outgoing {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(destination, "destination");
    }
}
