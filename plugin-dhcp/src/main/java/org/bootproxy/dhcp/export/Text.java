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

    /** A double-quoted string with {@code "} and {@code \} escaped (ISC and JSON agree on these). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** An identifier for a host declaration or tag: letters, digits, dashes. */
    static String ident(String s) {
        String t = s.replaceAll("[^A-Za-z0-9-]", "-");
        return t.isEmpty() ? "host" : t;
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

    /** The part of a name before the first dot (dnsmasq wants unqualified host names). */
    static String firstLabel(String name) {
        int dot = name.indexOf('.');
        return ident(dot > 0 ? name.substring(0, dot) : name);
    }
}
