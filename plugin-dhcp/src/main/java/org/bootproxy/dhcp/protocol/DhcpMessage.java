package org.bootproxy.dhcp.protocol;

import java.util.Arrays;
import java.util.Objects;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;

/**
 * A DHCPv4 / BOOTP message (RFC 2131 section 2, figure 1). Immutable; {@code chaddr} is copied in
 * and out.
 *
 * @param op 1 BOOTREQUEST, 2 BOOTREPLY
 * @param htype hardware type (1 Ethernet)
 * @param hlen hardware address length, 0..16
 * @param hops relay hops
 * @param xid transaction id
 * @param secs seconds since the client began
 * @param flags flags; bit 15 is the broadcast flag
 * @param ciaddr client address (when the client has one)
 * @param yiaddr "your" address, the one offered or assigned
 * @param siaddr next server (TFTP) address
 * @param giaddr relay agent address
 * @param chaddr client hardware address, 16 bytes
 * @param sname server host name (at most 63 characters; empty when none)
 * @param file boot file name (at most 127 characters; empty when none)
 * @param options the options after the magic cookie
 */
public record DhcpMessage(int op, int htype, int hlen, int hops, int xid, int secs, int flags, Ipv4Address ciaddr,
                          Ipv4Address yiaddr, Ipv4Address siaddr, Ipv4Address giaddr, byte[] chaddr, String sname,
                          String file, DhcpOptions options) {

    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    public static final int FLAG_BROADCAST = 0x8000;
    public static final Ipv4Address ZERO = new Ipv4Address(0);

    public DhcpMessage {
        if (op != BOOTREQUEST && op != BOOTREPLY) {
            throw new IllegalArgumentException("op " + op + " is neither 1 (request) nor 2 (reply)");
        }
        if (hlen < 0 || hlen > 16) {
            throw new IllegalArgumentException("hlen " + hlen + " out of range 0..16");
        }
        checkByte("htype", htype);
        checkByte("hops", hops);
        if (secs < 0 || secs > 0xffff || flags < 0 || flags > 0xffff) {
            throw new IllegalArgumentException("secs " + secs + " / flags " + flags + " out of range 0..65535");
        }
        Objects.requireNonNull(ciaddr, "ciaddr");
        Objects.requireNonNull(yiaddr, "yiaddr");
        Objects.requireNonNull(siaddr, "siaddr");
        Objects.requireNonNull(giaddr, "giaddr");
        Objects.requireNonNull(chaddr, "chaddr");
        if (chaddr.length != 16) {
            throw new IllegalArgumentException("chaddr must be 16 bytes, is " + chaddr.length);
        }
        chaddr = chaddr.clone();
        sname = sname == null ? "" : sname;
        file = file == null ? "" : file;
        if (sname.length() > 63) {
            throw new IllegalArgumentException("sname longer than 63 characters: " + sname);
        }
        if (file.length() > 127) {
            throw new IllegalArgumentException("file longer than 127 characters: " + file);
        }
        Objects.requireNonNull(options, "options");
    }

    private static void checkByte(String name, int v) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException(name + " " + v + " out of range 0..255");
        }
    }

    @Override
    public byte[] chaddr() {
        return chaddr.clone();
    }

    /** The client's Ethernet MAC, or null when the hardware address is not 6 octets. */
    public MacAddress mac() {
        return hlen == 6 ? MacAddress.of(chaddr, 6) : null;
    }

    public boolean broadcastFlag() {
        return (flags & FLAG_BROADCAST) != 0;
    }

    /** Option 53, or null for plain BOOTP. */
    public MessageType type() {
        return options.messageType().orElse(null);
    }

    /** A reply skeleton for this request (RFC 2131 table 3): xid, flags, giaddr, chaddr copied. */
    public DhcpMessage reply(Ipv4Address yiaddr, Ipv4Address siaddr, String file, DhcpOptions options) {
        return new DhcpMessage(BOOTREPLY, htype, hlen, 0, xid, 0, flags, ZERO, yiaddr, siaddr, giaddr, chaddr, "",
                file, options);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DhcpMessage m && op == m.op && htype == m.htype && hlen == m.hlen && hops == m.hops
                && xid == m.xid && secs == m.secs && flags == m.flags && ciaddr.equals(m.ciaddr)
                && yiaddr.equals(m.yiaddr) && siaddr.equals(m.siaddr) && giaddr.equals(m.giaddr)
                && Arrays.equals(chaddr, m.chaddr) && sname.equals(m.sname) && file.equals(m.file)
                && options.equals(m.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, xid, Arrays.hashCode(chaddr), options);
    }

    @Override
    public String toString() {
        MacAddress mac = mac();
        return "DhcpMessage[" + (type() == null ? "BOOTP op " + op : type()) + " xid=" + Integer.toHexString(xid)
                + " chaddr=" + (mac == null ? "hlen " + hlen : mac) + " ciaddr=" + ciaddr + " yiaddr=" + yiaddr
                + " siaddr=" + siaddr + " giaddr=" + giaddr + " flags=" + Integer.toHexString(flags) + " file=" + file
                + " options=" + options + "]";
    }
}
