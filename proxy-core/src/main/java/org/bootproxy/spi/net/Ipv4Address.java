package org.bootproxy.spi.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address as an unsigned 32-bit value. Parsing is strict dotted-quad (four decimal
 * octets 0..255, no leading zeros beyond a single {@code 0}, no host names), so it never does a
 * DNS lookup.
 *
 * @param value the address in network order as an int
 */
public record Ipv4Address(int value) implements Comparable<Ipv4Address> {

    /**
     * @throws IllegalArgumentException naming the value when it is not a dotted-quad IPv4 address
     */
    public static Ipv4Address parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Invalid IPv4 address: null");
        }
        String t = text.trim();
        // four decimal octets 0-255 without leading zeros; parsed in place (this runs per DHCP
        // packet and per API request, so no split/regex/stream garbage)
        int v = 0;
        int octets = 0;
        int i = 0;
        int n = t.length();
        while (octets < 4) {
            int start = i;
            int o = 0;
            while (i < n && i - start < 4) {
                char c = t.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                o = o * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || o > 255 || (digits > 1 && t.charAt(start) == '0')) {
                throw new IllegalArgumentException("Invalid IPv4 address: " + text);
            }
            v = (v << 8) | o;
            octets++;
            if (octets < 4) {
                if (i >= n || t.charAt(i) != '.') {
                    throw new IllegalArgumentException("Invalid IPv4 address: " + text);
                }
                i++;
            }
        }
        if (i != n) {
            throw new IllegalArgumentException("Invalid IPv4 address: " + text);
        }
        return new Ipv4Address(v);
    }

    /** Whether {@code text} is a dotted-quad IPv4 address. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** From four bytes in network order. */
    public static Ipv4Address of(byte[] b, int offset) {
        return new Ipv4Address(((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16)
                | ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff));
    }

    public static Ipv4Address of(Inet4Address a) {
        return of(a.getAddress(), 0);
    }

    /** The four bytes in network order. */
    public byte[] bytes() {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    public Inet4Address toInetAddress() {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The unsigned value as a long. */
    public long unsigned() {
        return value & 0xffffffffL;
    }

    public Ipv4Address plus(long n) {
        return new Ipv4Address((int) (unsigned() + n));
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return (value >>> 24) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }
}
