package org.bootproxy.spi.net;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A hardware address: 6 octets (Ethernet) or 20 (InfiniBand), as Foreman sends them.
 * Parsing accepts colon-separated hex octets (either case; single-digit octets are padded), also
 * dash-separated; {@link #toString()} is lower-case colon form.
 *
 * @param octets the address bytes (copied; 6 or 20 long)
 */
public record MacAddress(byte[] octets) {

    private static final HexFormat HEX = HexFormat.of();

    public MacAddress {
        if (octets == null || (octets.length != 6 && octets.length != 20)) {
            throw new IllegalArgumentException("a MAC address has 6 or 20 octets");
        }
        octets = octets.clone();
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes; 20 octets for InfiniBand).
     *
     * @throws IllegalArgumentException naming the value when it is not a MAC address
     */
    public static MacAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Invalid MAC address: null");
        }
        String t = text.trim();
        String[] parts = t.split(t.indexOf(':') >= 0 ? ":" : "-", -1);
        if (parts.length != 6 && parts.length != 20) {
            throw new IllegalArgumentException("Invalid MAC address: " + text);
        }
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 2 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("Invalid MAC address: " + text);
            }
            b[i] = (byte) Integer.parseInt(p, 16);
        }
        return new MacAddress(b);
    }

    /** Whether {@code text} parses as a MAC address. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** From a DHCP {@code chaddr} (hlen octets of the 16-byte field). */
    public static MacAddress of(byte[] chaddr, int hlen) {
        return new MacAddress(Arrays.copyOf(chaddr, hlen));
    }

    @Override
    public byte[] octets() {
        return octets.clone();
    }

    /** {@code aa:bb:cc:dd:ee:ff}. */
    @Override
    public String toString() {
        return join(":", false);
    }

    /** {@code aa-bb-cc-dd-ee-ff} (pxelinux, host-config directories). */
    public String dashed() {
        return join("-", false);
    }

    /** {@code AABBCCDDEEFF} (ZTP, POAP, legacy GRUB). */
    public String hexUpper() {
        return HEX.formatHex(octets).toUpperCase(Locale.ROOT);
    }

    /** {@code aabbccddeeff}. */
    public String hexLower() {
        return HEX.formatHex(octets);
    }

    /** Joins the octets as two-digit hex with {@code sep}. */
    public String join(String sep, boolean upper) {
        StringBuilder sb = new StringBuilder(octets.length * 3);
        for (int i = 0; i < octets.length; i++) {
            if (i > 0) {
                sb.append(sep);
            }
            sb.append(HEX.toHexDigits(octets[i]));
        }
        return upper ? sb.toString().toUpperCase(Locale.ROOT) : sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(octets, m.octets);
    }

    /**
     * FNV-1a over the octets, mixed (Fibonacci multiply) and folded to 32 bits. Not {@code Arrays.hashCode}: its base-31 sum gives
     * equal codes to many addresses of one vendor prefix (a change of +1 in one octet and -31 in the
     * next cancels out), and a map of 10,000 such MACs (a lease index, the dnsmasq provider's
     * index) then degenerates to linear scans ({@code Map.copyOf} took 170 ms per create there).
     */
    @Override
    public int hashCode() {
        long h = 0xcbf29ce484222325L;
        for (byte b : octets) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h *= 0x9e3779b97f4a7c15L;
        return (int) (h ^ (h >>> 32));
    }
}
