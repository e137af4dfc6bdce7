package org.bootproxy.dhcp.boot;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;

/**
 * One boot rule: conditions (each optional; all given ones must hold) and what to answer.
 *
 * @param name for logs and generated configs ({@code rule 1}, {@code default UEFI x64 PXE})
 * @param kind client kind, or null for any
 * @param arches architecture types; empty for any
 * @param mac exact MAC, or null for any
 * @param vendorClassPrefix prefix of option 60, or null for any
 * @param filename TFTP path or http(s) URL, may hold {@code ${next_server}}, {@code ${http_port}},
 *     {@code ${https_port}}
 * @param nextServer IPv4 address or host name, or null to inherit
 */
public record BootRule(String name, ClientKind kind, Set<Integer> arches, MacAddress mac, String vendorClassPrefix,
                       String filename, String nextServer) {

    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");
    static final Set<String> PLACEHOLDERS = Set.of("next_server", "http_port", "https_port");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?");

    public BootRule {
        Objects.requireNonNull(name, "name");
        arches = arches == null ? Set.of() : Set.copyOf(arches);
        for (int a : arches) {
            if (a < 0 || a > 0xffff) {
                throw new IllegalArgumentException(name + ": arch " + a + " out of range 0..65535");
            }
        }
        if (filename == null || filename.isBlank()) {
            throw new IllegalArgumentException(name + ": filename is empty");
        }
        Matcher m = PLACEHOLDER.matcher(filename);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw new IllegalArgumentException(name + ": unknown placeholder ${" + m.group(1) + "} in filename "
                        + filename + " (known: ${next_server}, ${http_port}, ${https_port})");
            }
        }
        if (!BootAnswer.isUrl(filename) && filename.length() > 127 && !filename.contains("${")) {
            // a TFTP path must fit the 128-byte file field that PXE ROMs read
            throw new IllegalArgumentException(name + ": TFTP file name longer than 127 bytes: " + filename);
        }
        if (nextServer != null) {
            checkHost(name, nextServer);
        }
    }

    /** @throws IllegalArgumentException when {@code host} is neither an IPv4 address nor a host name */
    static void checkHost(String context, String host) {
        if (!Ipv4Address.isValid(host) && !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(context + ": next_server '" + host
                    + "' is neither an IPv4 address nor a host name");
        }
    }

    /** Whether every condition of the rule holds for {@code c}. */
    public boolean matches(ClientInfo c) {
        return (kind == null || kind == c.kind())
                && (arches.isEmpty() || (c.arch() != null && arches.contains(c.arch())))
                && (mac == null || mac.equals(c.mac()))
                && (vendorClassPrefix == null || (c.vendorClass() != null && c.vendorClass().startsWith(vendorClassPrefix)));
    }
}
