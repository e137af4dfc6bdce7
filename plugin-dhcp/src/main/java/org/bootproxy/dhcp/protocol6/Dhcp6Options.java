package org.bootproxy.dhcp.protocol6;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bootproxy.dhcp.protocol.MalformedPacketException;

/**
 * The options of a DHCPv6 message or of an encapsulating option, in wire order, with typed
 * readers for the ones the server uses and builders for the ones it sends. Immutable.
 *
 * <p>Readers that interpret an option's data throw {@link MalformedPacketException} naming the
 * option when its length does not fit its format (RFC 8415 section 16: such a message is dropped).
 */
public record Dhcp6Options(List<Dhcp6Option> list) {

    /** The vendor-class enterprise number of UEFI's PXEClient/HTTPClient strings (IANA: Intel). */
    public static final long ENTERPRISE_UEFI = 343;

    public Dhcp6Options {
        list = List.copyOf(list);
    }

    /** Decodes a sequence of options (a message's tail, or an encapsulated option's data). */
    public static Dhcp6Options parse(byte[] bytes, int offset, int length) throws MalformedPacketException {
        List<Dhcp6Option> out = new ArrayList<>();
        int p = offset;
        int end = offset + length;
        while (p < end) {
            if (end - p < 4) {
                throw new MalformedPacketException("option header truncated at byte " + p + " (" + (end - p)
                        + " bytes left, 4 needed)");
            }
            int code = u16(bytes, p);
            int len = u16(bytes, p + 2);
            if (p + 4 + len > end) {
                throw new MalformedPacketException("option " + code + " at byte " + p + " says " + len
                        + " bytes but only " + (end - p - 4) + " remain");
            }
            byte[] data = new byte[len];
            System.arraycopy(bytes, p + 4, data, 0, len);
            out.add(new Dhcp6Option(code, data));
            p += 4 + len;
        }
        return new Dhcp6Options(out);
    }

    /** Appends the wire form of every option. */
    void writeTo(ByteArrayOutputStream out) {
        for (Dhcp6Option o : list) {
            byte[] d = o.raw();
            out.write(o.code() >>> 8);
            out.write(o.code());
            out.write(d.length >>> 8);
            out.write(d.length);
            out.write(d, 0, d.length);
        }
    }

    /** The wire form of these options. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTo(out);
        return out.toByteArray();
    }

    public Optional<Dhcp6Option> first(int code) {
        return list.stream().filter(o -> o.code() == code).findFirst();
    }

    public List<Dhcp6Option> all(int code) {
        return list.stream().filter(o -> o.code() == code).toList();
    }

    public boolean has(int code) {
        return list.stream().anyMatch(o -> o.code() == code);
    }

    /** Option 1, the client's DUID. */
    public Optional<Duid> clientId() throws MalformedPacketException {
        return duid(Dhcp6Option.CLIENTID);
    }

    /** Option 2, the server's DUID. */
    public Optional<Duid> serverId() throws MalformedPacketException {
        return duid(Dhcp6Option.SERVERID);
    }

    private Optional<Duid> duid(int code) throws MalformedPacketException {
        Optional<Dhcp6Option> o = first(code);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        byte[] d = o.get().raw();
        if (d.length < 2 || d.length > 130) {
            throw new MalformedPacketException("option " + code + " (DUID) has " + d.length + " bytes, 2..130 allowed");
        }
        return Optional.of(new Duid(d));
    }

    /** Option 6, the option codes the client asks for. */
    public List<Integer> requestedOptions() throws MalformedPacketException {
        return u16List(Dhcp6Option.ORO, "ORO");
    }

    /** Option 61, the client's architecture types, most preferred first. */
    public List<Integer> clientArchitectures() throws MalformedPacketException {
        return u16List(Dhcp6Option.CLIENT_ARCH_TYPE, "client architecture");
    }

    private List<Integer> u16List(int code, String name) throws MalformedPacketException {
        Optional<Dhcp6Option> o = first(code);
        if (o.isEmpty()) {
            return List.of();
        }
        byte[] d = o.get().raw();
        if (d.length % 2 != 0) {
            throw new MalformedPacketException("option " + code + " (" + name + ") has an odd length " + d.length);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < d.length; i += 2) {
            out.add(u16(d, i));
        }
        return out;
    }

    /**
     * Option 16: the enterprise number and the vendor-class data items, as text (UEFI sends one,
     * e.g. {@code HTTPClient:Arch:00016:UNDI:003001}); empty when absent.
     */
    public Optional<VendorClass> vendorClass() throws MalformedPacketException {
        Optional<Dhcp6Option> o = first(Dhcp6Option.VENDOR_CLASS);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        byte[] d = o.get().raw();
        if (d.length < 4) {
            throw new MalformedPacketException("option 16 (vendor class) has " + d.length + " bytes, at least 4 needed");
        }
        long enterprise = u32(d, 0);
        return Optional.of(new VendorClass(enterprise, lengthPrefixed(d, 4, "option 16 (vendor class)")));
    }

    /** Option 15's classes as text (iPXE sends {@code iPXE}). */
    public List<String> userClasses() throws MalformedPacketException {
        Optional<Dhcp6Option> o = first(Dhcp6Option.USER_CLASS);
        return o.isEmpty() ? List.of() : lengthPrefixed(o.get().raw(), 0, "option 15 (user class)");
    }

    private static List<String> lengthPrefixed(byte[] d, int from, String what) throws MalformedPacketException {
        List<String> out = new ArrayList<>();
        int p = from;
        while (p < d.length) {
            if (d.length - p < 2) {
                throw new MalformedPacketException(what + ": item length truncated at byte " + p);
            }
            int len = u16(d, p);
            if (p + 2 + len > d.length) {
                throw new MalformedPacketException(what + ": item of " + len + " bytes at byte " + p
                        + " runs past the option's end");
            }
            out.add(new String(d, p + 2, len, StandardCharsets.US_ASCII));
            p += 2 + len;
        }
        return out;
    }

    /** Option 79 from a relay: hardware type and address; empty when absent. */
    public Optional<byte[]> clientLinkLayerAddress() throws MalformedPacketException {
        Optional<Dhcp6Option> o = first(Dhcp6Option.CLIENT_LINKLAYER_ADDR);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        byte[] d = o.get().raw();
        if (d.length < 3) {
            throw new MalformedPacketException("option 79 (client link-layer address) has " + d.length + " bytes");
        }
        return Optional.of(d);
    }

    /** Every IA_NA (option 3) of the message, decoded. */
    public List<IaNa> iaNas() throws MalformedPacketException {
        List<IaNa> out = new ArrayList<>();
        for (Dhcp6Option o : all(Dhcp6Option.IA_NA)) {
            out.add(IaNa.decode(o.raw()));
        }
        return out;
    }

    /** The vendor class of option 16. */
    public record VendorClass(long enterprise, List<String> data) {
        public VendorClass {
            data = List.copyOf(data);
        }

        /** The first data item, or empty. */
        public String first() {
            return data.isEmpty() ? "" : data.get(0);
        }
    }

    /**
     * An IA_NA (RFC 8415 section 21.4).
     *
     * @param iaid the identity association's identifier, unsigned 32-bit
     * @param addresses its IAADDR options (section 21.6)
     */
    public record IaNa(long iaid, long t1, long t2, List<IaAddress> addresses) {
        public IaNa {
            addresses = List.copyOf(addresses);
        }

        static IaNa decode(byte[] d) throws MalformedPacketException {
            if (d.length < 12) {
                throw new MalformedPacketException("option 3 (IA_NA) has " + d.length + " bytes, at least 12 needed");
            }
            Dhcp6Options inner = parse(d, 12, d.length - 12);
            List<IaAddress> addresses = new ArrayList<>();
            for (Dhcp6Option a : inner.all(Dhcp6Option.IAADDR)) {
                byte[] x = a.raw();
                if (x.length < 24) {
                    throw new MalformedPacketException("option 5 (IAADDR) has " + x.length + " bytes, at least 24 needed");
                }
                parse(x, 24, x.length - 24); // its own options must be well-formed too
                addresses.add(new IaAddress(inet6(x, 0), u32(x, 16), u32(x, 20)));
            }
            return new IaNa(u32(d, 0), u32(d, 4), u32(d, 8), addresses);
        }
    }

    /** An IAADDR: an address with its lifetimes in seconds. */
    public record IaAddress(Inet6Address address, long preferred, long valid) {
    }

    // ---- builders of what the server sends -----------------------------------------------------

    public static Dhcp6Option duidOption(int code, Duid duid) {
        return new Dhcp6Option(code, duid.bytes());
    }

    /** An IA_NA with the given encapsulated options (IAADDRs, a status code). */
    public static Dhcp6Option iaNa(long iaid, long t1, long t2, List<Dhcp6Option> inner) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        putU32(out, iaid);
        putU32(out, t1);
        putU32(out, t2);
        new Dhcp6Options(inner).writeTo(out);
        return new Dhcp6Option(Dhcp6Option.IA_NA, out.toByteArray());
    }

    public static Dhcp6Option iaAddress(Inet6Address address, long preferred, long valid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(address.getAddress());
        putU32(out, preferred);
        putU32(out, valid);
        return new Dhcp6Option(Dhcp6Option.IAADDR, out.toByteArray());
    }

    /** A status code option (section 21.13) with a UTF-8 message. */
    public static Dhcp6Option statusCode(StatusCode code, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + text.length);
        b.putShort((short) code.code()).put(text);
        return new Dhcp6Option(Dhcp6Option.STATUS_CODE, b.array());
    }

    /** Option 16 with one data item (UEFI reads it at byte offset 6 of the option's data). */
    public static Dhcp6Option vendorClass(long enterprise, String item) {
        byte[] text = item.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(6 + text.length);
        b.putInt((int) enterprise).putShort((short) text.length).put(text);
        return new Dhcp6Option(Dhcp6Option.VENDOR_CLASS, b.array());
    }

    public static Dhcp6Option bootfileUrl(String url) {
        return new Dhcp6Option(Dhcp6Option.BOOTFILE_URL, url.getBytes(StandardCharsets.US_ASCII));
    }

    public static Dhcp6Option addresses(int code, List<Inet6Address> addresses) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        addresses.forEach(a -> out.writeBytes(a.getAddress()));
        return new Dhcp6Option(code, out.toByteArray());
    }

    /** DHCPv6 status codes used by the server (RFC 8415 section 21.13). */
    public enum StatusCode {
        SUCCESS(0), UNSPEC_FAIL(1), NO_ADDRS_AVAIL(2), NO_BINDING(3), NOT_ON_LINK(4), USE_MULTICAST(5);

        private final int code;

        StatusCode(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    // ---- bytes ---------------------------------------------------------------------------------

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    static void putU32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }

    static Inet6Address inet6(byte[] b, int p) {
        byte[] a = new byte[16];
        System.arraycopy(b, p, a, 0, 16);
        try {
            return (Inet6Address) InetAddress.getByAddress(a);
        } catch (UnknownHostException | ClassCastException e) {
            // 16 bytes are always an IPv6 address, except that the JDK maps ::ffff:a.b.c.d to IPv4
            try {
                return Inet6Address.getByAddress(null, a, -1);
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }
}
