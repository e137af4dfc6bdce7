package org.bootproxy.dhcp.protocol6;

import java.net.Inet6Address;
import java.util.Objects;

/**
 * A DHCPv6 message (RFC 8415 section 8): a client/server message, or a relay message (section 9)
 * whose RELAY_MSG option encapsulates another message.
 */
public sealed interface Dhcp6Message permits Dhcp6Message.ClientServer, Dhcp6Message.Relay {

    Dhcp6MessageType type();

    Dhcp6Options options();

    /**
     * A message between a client and a server.
     *
     * @param transactionId the 24-bit transaction id
     */
    record ClientServer(Dhcp6MessageType type, int transactionId, Dhcp6Options options) implements Dhcp6Message {
        public ClientServer {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(options, "options");
            if (type.isRelay()) {
                throw new IllegalArgumentException(type + " is a relay message type");
            }
            if ((transactionId & ~0xffffff) != 0) {
                throw new IllegalArgumentException("transaction id " + transactionId + " is not 24-bit");
            }
        }

        @Override
        public String toString() {
            return type + " xid " + Integer.toHexString(transactionId);
        }
    }

    /**
     * A RELAY-FORW or RELAY-REPL.
     *
     * @param hopCount how many relays forwarded it (0..255)
     * @param linkAddress an address on the client's link (0::0 when the relay does not say), which
     *     places the client in a subnet
     * @param peerAddress where the relay got the message from (the client, or the previous relay)
     */
    record Relay(Dhcp6MessageType type, int hopCount, Inet6Address linkAddress, Inet6Address peerAddress,
                 Dhcp6Options options) implements Dhcp6Message {
        public Relay {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(linkAddress, "linkAddress");
            Objects.requireNonNull(peerAddress, "peerAddress");
            Objects.requireNonNull(options, "options");
            if (!type.isRelay()) {
                throw new IllegalArgumentException(type + " is not a relay message type");
            }
            if (hopCount < 0 || hopCount > 255) {
                throw new IllegalArgumentException("hop count " + hopCount + " out of range 0..255");
            }
        }

        @Override
        public String toString() {
            return type + " hop " + hopCount + " link " + linkAddress.getHostAddress() + " peer "
                    + peerAddress.getHostAddress();
        }
    }
}
