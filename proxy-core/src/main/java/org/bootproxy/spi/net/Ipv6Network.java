package org.bootproxy.spi.net;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv6 network: address and prefix length, the address being the network address. Parsing
 * accepts literals only (never a host name, so it never resolves anything).
 *
 * @param address the network address (host bits zero), without a scope
 * @param prefix the prefix length, 0..128
 */
public record Ipv6Network(Inet6Address address, int prefix) {

    public Ipv6Network {
        Objects.requireNonNull(address, "address");
        if (prefix < 0 || prefix > 128) {
            throw new IllegalArgumentException("Invalid IPv6 prefix length: " + prefix);
        }
        BigInteger a = toBigInteger(address);
        if (!a.and(hostMask(prefix)).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("Not a network address: " + address.getHostAddress() + "/" + prefix);
        }
    }

    /** Parses {@code 2001:db8::/64}. */
    public static Ipv6Network parse(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("Invalid IPv6 network (expected address/len): " + cidr);
        }
        Inet6Address a = parseAddress(cidr.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid IPv6 network (expected address/len): " + cidr);
        }
        return new Ipv6Network(a, prefix);
    }

    /**
     * Parses an IPv6 literal ({@code 2001:db8::1}, optionally in brackets); a scope is dropped.
     *
     * @throws IllegalArgumentException naming the value when it is not an IPv6 literal
     */
    public static Inet6Address parseAddress(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Invalid IPv6 address: null");
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        int pct = t.indexOf('%');
        if (pct >= 0) {
            t = t.substring(0, pct);
        }
        // a literal has a ':' and only hex digits, ':' and '.' (an embedded IPv4): never a name to resolve
        if (t.indexOf(':') < 0 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new IllegalArgumentException("Invalid IPv6 address: " + text);
        }
        try {
            InetAddress a = InetAddress.getByName(t);
            if (a instanceof Inet6Address v6) {
                return v6;
            }
            // the JDK turns ::ffff:a.b.c.d into an IPv4 address
            return Inet6Address.getByAddress(null, toBytes16(a.getAddress()), -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Invalid IPv6 address: " + text);
        }
    }

    private static byte[] toBytes16(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    /** The address as an unsigned 128-bit number. */
    public static BigInteger toBigInteger(Inet6Address a) {
        return new BigInteger(1, a.getAddress());
    }

    /** The address of an unsigned 128-bit number. */
    public static Inet6Address fromBigInteger(BigInteger v) {
        if (v.signum() < 0 || v.bitLength() > 128) {
            throw new IllegalArgumentException("not a 128-bit value: " + v);
        }
        byte[] raw = v.toByteArray();
        byte[] b = new byte[16];
        int n = Math.min(raw.length, 16);
        System.arraycopy(raw, raw.length - n, b, 16 - n, n);
        try {
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static BigInteger hostMask(int prefix) {
        return BigInteger.ONE.shiftLeft(128 - prefix).subtract(BigInteger.ONE);
    }

    public boolean contains(Inet6Address a) {
        return toBigInteger(a).andNot(hostMask(prefix)).equals(toBigInteger(address));
    }

    /** The compressed literal of an address, without a scope ({@code 2001:db8::1}). */
    public static String literal(Inet6Address a) {
        String s = a.getHostAddress();
        int pct = s.indexOf('%');
        s = pct >= 0 ? s.substring(0, pct) : s;
        return compress(s);
    }

    /** RFC 5952 text: lower case, the longest run of two or more zero groups as {@code ::}. */
    private static String compress(String full) {
        String[] g = full.split(":", -1);
        if (g.length != 8) {
            return full; // already compressed or with an embedded IPv4
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (Integer.parseInt(g[i], 16) == 0) {
                int j = i;
                while (j < 8 && Integer.parseInt(g[j], 16) == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(Integer.toHexString(Integer.parseInt(g[i], 16)));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return literal(address) + "/" + prefix;
    }
}
