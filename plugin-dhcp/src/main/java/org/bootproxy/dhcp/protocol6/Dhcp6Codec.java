package org.bootproxy.dhcp.protocol6;

import java.io.ByteArrayOutputStream;
import org.bootproxy.dhcp.protocol.MalformedPacketException;

/**
 * DHCPv6 wire format (RFC 8415 sections 8, 9, 21.1) with bounds checks: a datagram that does not
 * decode raises {@link MalformedPacketException} naming what was wrong and where, never an
 * index exception. Stateless and thread-safe.
 */
public final class Dhcp6Codec {

    /** Relays nest at most this deep (RFC 8415 section 7.6, HOP_COUNT_LIMIT). */
    public static final int MAX_RELAY_DEPTH = 8;

    private Dhcp6Codec() {
    }

    public static Dhcp6Message decode(byte[] bytes) throws MalformedPacketException {
        return decode(bytes, 0, bytes.length);
    }

    public static Dhcp6Message decode(byte[] b, int offset, int length) throws MalformedPacketException {
        if (length < 4) {
            throw new MalformedPacketException("datagram of " + length + " bytes, a DHCPv6 header needs 4");
        }
        int typeCode = b[offset] & 0xff;
        Dhcp6MessageType type = Dhcp6MessageType.of(typeCode)
                .orElseThrow(() -> new MalformedPacketException("unknown message type " + typeCode));
        if (type.isRelay()) {
            if (length < 34) {
                throw new MalformedPacketException(type + " of " + length + " bytes, a relay header needs 34");
            }
            return new Dhcp6Message.Relay(type, b[offset + 1] & 0xff, Dhcp6Options.inet6(b, offset + 2),
                    Dhcp6Options.inet6(b, offset + 18), Dhcp6Options.parse(b, offset + 34, length - 34));
        }
        int xid = ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff);
        return new Dhcp6Message.ClientServer(type, xid, Dhcp6Options.parse(b, offset + 4, length - 4));
    }

    /**
     * The message a relay message carries in its RELAY_MSG option.
     *
     * @throws MalformedPacketException when it has none
     */
    public static Dhcp6Message inner(Dhcp6Message.Relay relay) throws MalformedPacketException {
        byte[] data = relay.options().first(Dhcp6Option.RELAY_MSG)
                .orElseThrow(() -> new MalformedPacketException(relay.type() + " without a relay message option"))
                .data();
        return decode(data);
    }

    public static byte[] encode(Dhcp6Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(m.type().code());
        if (m instanceof Dhcp6Message.ClientServer c) {
            out.write(c.transactionId() >>> 16);
            out.write(c.transactionId() >>> 8);
            out.write(c.transactionId());
        } else if (m instanceof Dhcp6Message.Relay r) {
            out.write(r.hopCount());
            out.writeBytes(r.linkAddress().getAddress());
            out.writeBytes(r.peerAddress().getAddress());
        }
        m.options().writeTo(out);
        return out.toByteArray();
    }
}
