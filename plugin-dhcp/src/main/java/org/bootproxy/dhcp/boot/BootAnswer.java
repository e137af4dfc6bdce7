package org.bootproxy.dhcp.boot;

import java.util.Objects;

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

    static boolean isUrl(String f) {
        String l = f.toLowerCase(java.util.Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }
}
