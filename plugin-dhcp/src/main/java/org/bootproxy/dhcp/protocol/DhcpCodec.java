package org.bootproxy.dhcp.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bootproxy.spi.net.Ipv4Address;

/**
 * Encodes and decodes DHCPv4 messages (RFC 2131 section 2, RFC 2132 options). Stateless and
 * thread-safe; no I/O and no MINA types, so it is tested on byte arrays alone.
 *
 * <p>Decoding is bounds-checked: every malformation raises {@link MalformedPacketException} with
 * the offset and the reason, never an index exception. Repeated instances of an option are
 * concatenated (RFC 3396). Option overload (52) is not supported: {@code sname} and {@code file}
 * are always read as text.
 */
public final class DhcpCodec {

    /** The fixed BOOTP header up to (not including) the magic cookie. */
    public static final int HEADER_LENGTH = 236;
    private static final int COOKIE = 0x63825363;
    /** RFC 2131 section 2: a BOOTP relay agent may drop shorter messages; pad replies to 300. */
    private static final int MIN_REPLY = 300;

    private DhcpCodec() {
    }

    public static DhcpMessage decode(byte[] b) throws MalformedPacketException {
        return decode(b, 0, b.length);
    }

    /** Decodes {@code length} bytes from {@code offset}. */
    public static DhcpMessage decode(byte[] b, int offset, int length) throws MalformedPacketException {
        if (length < HEADER_LENGTH + 4) {
            throw new MalformedPacketException("packet of " + length + " bytes is shorter than the 240-byte DHCP header");
        }
        int p = offset;
        int op = b[p] & 0xff;
        int htype = b[p + 1] & 0xff;
        int hlen = b[p + 2] & 0xff;
        int hops = b[p + 3] & 0xff;
        if (op != DhcpMessage.BOOTREQUEST && op != DhcpMessage.BOOTREPLY) {
            throw new MalformedPacketException("op " + op + " is neither 1 (request) nor 2 (reply)");
        }
        if (hlen > 16) {
            throw new MalformedPacketException("hlen " + hlen + " is larger than the 16-byte chaddr");
        }
        int xid = Ipv4Address.of(b, p + 4).value();
        int secs = ((b[p + 8] & 0xff) << 8) | (b[p + 9] & 0xff);
        int flags = ((b[p + 10] & 0xff) << 8) | (b[p + 11] & 0xff);
        Ipv4Address ciaddr = Ipv4Address.of(b, p + 12);
        Ipv4Address yiaddr = Ipv4Address.of(b, p + 16);
        Ipv4Address siaddr = Ipv4Address.of(b, p + 20);
        Ipv4Address giaddr = Ipv4Address.of(b, p + 24);
        byte[] chaddr = new byte[16];
        System.arraycopy(b, p + 28, chaddr, 0, 16);
        String sname = cString(b, p + 44, 64);
        String file = cString(b, p + 108, 128);
        int cookie = Ipv4Address.of(b, p + HEADER_LENGTH).value();
        if (cookie != COOKIE) {
            throw new MalformedPacketException("bad magic cookie 0x" + Integer.toHexString(cookie) + " at offset 236");
        }
        DhcpOptions options = decodeOptions(b, p + HEADER_LENGTH + 4, offset + length);
        try {
            return new DhcpMessage(op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr,
                    sname.length() > 63 ? sname.substring(0, 63) : sname,
                    file.length() > 127 ? file.substring(0, 127) : file, options);
        } catch (IllegalArgumentException e) {
            throw new MalformedPacketException(e.getMessage());
        }
    }

    private static String cString(byte[] b, int from, int max) {
        int n = 0;
        while (n < max && b[from + n] != 0) {
            n++;
        }
        return new String(b, from, n, StandardCharsets.ISO_8859_1);
    }

    private static DhcpOptions decodeOptions(byte[] b, int from, int end) throws MalformedPacketException {
        Map<Integer, ByteArrayOutputStream> parts = new LinkedHashMap<>();
        int p = from;
        boolean ended = false;
        while (p < end) {
            int code = b[p] & 0xff;
            if (code == OptionCode.PAD) {
                p++;
                continue;
            }
            if (code == OptionCode.END) {
                ended = true;
                break;
            }
            if (p + 1 >= end) {
                throw new MalformedPacketException("option " + code + " at offset " + (p - from + 240)
                        + " has no length byte");
            }
            int len = b[p + 1] & 0xff;
            if (p + 2 + len > end) {
                throw new MalformedPacketException("option " + code + " at offset " + (p - from + 240) + " of length "
                        + len + " runs past the end of the packet");
            }
            parts.computeIfAbsent(code, k -> new ByteArrayOutputStream()).write(b, p + 2, len);
            p += 2 + len;
        }
        // RFC 2131 requires END; some clients omit it when the options fill the packet exactly.
        // Accepting that is harmless because every option was bounds-checked above.
        if (!ended && p != end) {
            throw new MalformedPacketException("options do not end at the packet's end");
        }
        DhcpOptions.Builder builder = DhcpOptions.builder();
        for (Map.Entry<Integer, ByteArrayOutputStream> e : parts.entrySet()) {
            byte[] v = e.getValue().toByteArray();
            checkLength(e.getKey(), v.length);
            builder.put(e.getKey(), v);
        }
        return builder.build();
    }

    /** Length rules of RFC 2132 for the options the server interprets. */
    private static void checkLength(int code, int len) throws MalformedPacketException {
        boolean ok = switch (code) {
            case OptionCode.MESSAGE_TYPE, OptionCode.OVERLOAD -> len == 1;
            case OptionCode.SUBNET_MASK, OptionCode.REQUESTED_IP, OptionCode.SERVER_ID, OptionCode.LEASE_TIME,
                    OptionCode.RENEWAL_TIME, OptionCode.REBINDING_TIME -> len == 4;
            case OptionCode.MAX_MESSAGE_SIZE, OptionCode.INTERFACE_MTU -> len == 2;
            case OptionCode.ROUTERS, OptionCode.DOMAIN_NAME_SERVERS, OptionCode.NTP_SERVERS -> len >= 4 && len % 4 == 0;
            case OptionCode.CLIENT_ARCH -> len >= 2 && len % 2 == 0;
            case OptionCode.CLIENT_ID -> len >= 2;
            case OptionCode.CLIENT_NDI -> len == 3;
            case OptionCode.CLIENT_UUID -> len == 17 || len == 0;
            case OptionCode.HOST_NAME, OptionCode.VENDOR_CLASS, OptionCode.USER_CLASS -> len >= 1;
            default -> true;
        };
        if (!ok) {
            throw new MalformedPacketException("option " + code + " has invalid length " + len);
        }
    }

    /** Encodes a message; the result is at least 300 bytes (BOOTP minimum). */
    public static byte[] encode(DhcpMessage m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MIN_REPLY + 64);
        out.write(m.op());
        out.write(m.htype());
        out.write(m.hlen());
        out.write(m.hops());
        out.writeBytes(new Ipv4Address(m.xid()).bytes());
        out.write(m.secs() >>> 8);
        out.write(m.secs());
        out.write(m.flags() >>> 8);
        out.write(m.flags());
        out.writeBytes(m.ciaddr().bytes());
        out.writeBytes(m.yiaddr().bytes());
        out.writeBytes(m.siaddr().bytes());
        out.writeBytes(m.giaddr().bytes());
        out.writeBytes(m.chaddr());
        out.writeBytes(fixed(m.sname(), 64));
        out.writeBytes(fixed(m.file(), 128));
        out.writeBytes(new Ipv4Address(COOKIE).bytes());
        DhcpOptions o = m.options();
        List<Integer> codes = o.codes();
        // RFC 2131 section 3.1 examples and most clients expect 53 first
        if (o.has(OptionCode.MESSAGE_TYPE)) {
            writeOption(out, OptionCode.MESSAGE_TYPE, o.rawUnsafe(OptionCode.MESSAGE_TYPE));
        }
        for (int code : codes) {
            if (code != OptionCode.MESSAGE_TYPE) {
                writeOption(out, code, o.rawUnsafe(code));
            }
        }
        out.write(OptionCode.END);
        while (out.size() < MIN_REPLY) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static byte[] fixed(String s, int size) {
        byte[] v = new byte[size];
        byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, v, 0, Math.min(t.length, size - 1));
        return v;
    }

    /** Writes one option, split into 255-byte instances when longer (RFC 3396). */
    private static void writeOption(ByteArrayOutputStream out, int code, byte[] v) {
        int p = 0;
        do {
            int n = Math.min(255, v.length - p);
            out.write(code);
            out.write(n);
            out.write(v, p, n);
            p += n;
        } while (p < v.length);
    }
}
