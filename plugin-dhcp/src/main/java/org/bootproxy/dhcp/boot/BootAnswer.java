package org.bootproxy.dhcp.boot;

import java.util.Objects;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv6Network;

/**
 * The boot information for one client.
 *
 * @param filename a TFTP path or an absolute http(s) URL, placeholders already expanded
 * @param nextServer the TFTP/next server as configured (IPv4 address or host name), or null for
 *     the address of the interface that received the request
 * @param source what decided it, for logs: {@code reservation}, {@code rule 2}, {@code default BIOS PXE}
 */
public record BootAnswer(String filename, String nextServer, String source) {

    public BootAnswer {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(source, "source");
    }

    /** Whether the file name is an absolute http or https URL (UEFI HTTP Boot, iPXE scripts). */
    public boolean isUrl() {
        return isUrl(filename);
    }

    /**
     * Whether the reply that carries this answer to a client of {@code kind} leaves out the DNS
     * servers (DHCPv4 option 6, DHCPv6 option 23): for a UEFI HTTP Boot client whose URL names
     * its server by an IP literal. The firmware needs DNS only to resolve a host name in the URL.
     * And with DNS servers in the answer, EDK2's HttpBootDxe ({@code HttpBootUpdateDevicePath})
     * puts a {@code Dns()} node between the {@code IPv4()}/{@code IPv6()} and {@code Uri()} nodes
     * of the boot device path, where GRUB with SUSE's HTTP Boot patches (Debian's and Ubuntu's
     * grub2, {@code efinet.c}) wants the IP node right before {@code Uri()}: it then configures no
     * network at all (no address, empty {@code $prefix}, it stops at {@code grub>}).
     */
    public boolean omitsDnsServersFor(ClientKind kind) {
        return kind == ClientKind.HTTP_CLIENT && urlHostIsIpLiteral(filename);
    }

    /** Whether {@code f} is an http(s) URL whose host is an IPv4 or bracketed IPv6 literal; never resolves a name. */
    static boolean urlHostIsIpLiteral(String f) {
        if (!isUrl(f)) {
            return false;
        }
        String rest = f.substring(f.indexOf("://") + 3);
        int end = 0;
        while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        String authority = rest.substring(0, end);
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return false;
            }
            try {
                Ipv6Network.parseAddress(hostPort.substring(1, close));
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        int colon = hostPort.indexOf(':');
        return Ipv4Address.isValid(colon < 0 ? hostPort : hostPort.substring(0, colon));
    }

    static boolean isUrl(String f) {
        String l = f.toLowerCase(java.util.Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }
}
