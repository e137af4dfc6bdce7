package org.bootproxy.dhcp.protocol6;

import java.util.Arrays;
import java.util.HexFormat;
import org.bootproxy.spi.net.MacAddress;

/**
 * A DHCP Unique Identifier (RFC 8415 section 11): opaque bytes compared as a whole, with the
 * link-layer address read out of the two types that carry one.
 */
public final class Duid {

    private static final HexFormat HEX = HexFormat.ofDelimiter(":");
    private final byte[] bytes;

    public Duid(byte[] bytes) {
        if (bytes.length < 2 || bytes.length > 130) {
            throw new IllegalArgumentException("a DUID has 2..130 bytes, not " + bytes.length);
        }
        this.bytes = bytes.clone();
    }

    /** Parses {@code 00:01:...} hex (as logs and the store write it). */
    public static Duid parse(String hex) {
        return new Duid(HEX.parseHex(hex));
    }

    /** A DUID-LL (type 3) of an Ethernet address, as a server identifies itself. */
    public static Duid linkLayer(MacAddress mac) {
        byte[] m = mac.octets();
        byte[] d = new byte[4 + m.length];
        d[1] = 3;
        d[3] = 1;
        System.arraycopy(m, 0, d, 4, m.length);
        return new Duid(d);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The DUID type (1 LLT, 2 EN, 3 LL, 4 UUID). */
    public int type() {
        return ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff);
    }

    /**
     * The Ethernet MAC a DUID-LLT or DUID-LL of hardware type 1 carries; null otherwise (a MAC
     * then comes only from a relay's option 79).
     */
    public MacAddress mac() {
        int t = type();
        int offset = t == 1 ? 8 : t == 3 ? 4 : -1;
        if (offset < 0 || bytes.length != offset + 6 || ((bytes[2] & 0xff) << 8 | (bytes[3] & 0xff)) != 1) {
            return null;
        }
        return new MacAddress(Arrays.copyOfRange(bytes, offset, offset + 6));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Duid d && Arrays.equals(d.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
