package org.bootproxy.dhcp.export;

import java.util.Set;
import java.util.stream.Collectors;
import org.bootproxy.dhcp.boot.BootRule;
import org.bootproxy.dhcp.boot.ClientKind;
import org.bootproxy.spi.net.Ipv4Address;

/** Small helpers shared by the exporters. */
final class Text {

    private Text() {
    }

    /**
     * An ISC dhcpd string: double-quoted, {@code "} and {@code \} escaped, control characters as
     * dhcpd's octal escapes ({@code \012}), so no value can end the string or the line.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\%03o", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /**
     * A dnsmasq value: as it is when it holds nothing dnsmasq's parser reads specially, else
     * double-quoted with dnsmasq's escapes ({@code \"}, {@code \\}, {@code \n}, {@code \r},
     * {@code \t}, {@code \e}, {@code \b}); other control characters cannot be written and are
     * dropped. A quoted comma or {@code #} is data, never a field separator or a comment.
     */
    static String dnsmasqValue(String s) {
        if (s.matches("[A-Za-z0-9._~:/?@!$&()*+;=%\\[\\]-]*")) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"', '\\' -> sb.append('\\').append(c);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x1b -> sb.append("\\e");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c != 0x7f) {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * A host name every exporter may write: the first label of {@code name}, letters, digits and
     * inner dashes only, at most 63 characters (dnsmasq refuses anything else as "bad DHCP host
     * name"); empty when nothing usable is left.
     */
    static String hostLabel(String name) {
        int dot = name.indexOf('.');
        String t = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9-]", "-");
        t = t.replaceAll("^-+", "");
        if (t.length() > 63) {
            t = t.substring(0, 63);
        }
        return t.replaceAll("-+$", "");
    }

    /** Whether {@code s} may stand unquoted where ISC dhcpd and Kea expect a host name (≤ 63, DNS syntax). */
    static boolean isHostName(String s) {
        return s.length() <= 63 && s.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    }

    /** An identifier for a host declaration or tag: letters, digits, dashes. */
    static String ident(String s) {
        String t = s.replaceAll("[^A-Za-z0-9-]", "-");
        return t.isEmpty() ? "host" : t.length() > 63 ? t.substring(0, 63) : t;
    }

    static String hex16(int v) {
        return String.format("%02x:%02x", (v >> 8) & 0xff, v & 0xff);
    }

    static String arch5(int v) {
        return String.format("%05d", v);
    }

    static boolean isIpv4(String s) {
        return Ipv4Address.isValid(s);
    }

    static String sortedArches(BootRule r) {
        return r.arches().stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** Where the 5-digit arch sits in option 60 for a kind ({@code PXEClient:Arch:} is 15 long). */
    static int archOffset(ClientKind k) {
        return k == ClientKind.HTTP_CLIENT ? 16 : 15;
    }

    static Set<Integer> arches(BootRule r) {
        return r.arches();
    }

}
