package org.bootproxy.dhcp.boot;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bootproxy.dhcp.protocol.DhcpMessage;
import org.bootproxy.dhcp.protocol.DhcpOptions;
import org.bootproxy.dhcp.protocol.OptionCode;
import org.bootproxy.spi.net.MacAddress;

/**
 * What a request says about its client, for the boot rules.
 *
 * @param mac the client's MAC (null when the hardware address is not Ethernet)
 * @param kind PXE, HTTP, iPXE or other
 * @param arch the architecture type: option 93's first value, else the {@code Arch:xxxxx} of option
 *     60, else null
 * @param vendorClass option 60 as sent, or null
 * @param userClasses option 77's classes (empty when absent)
 */
public record ClientInfo(MacAddress mac, ClientKind kind, Integer arch, String vendorClass, List<String> userClasses) {

    private static final Pattern ARCH = Pattern.compile("^(?:PXEClient|HTTPClient):Arch:(\\d{5})");

    public ClientInfo {
        Objects.requireNonNull(kind, "kind");
        userClasses = userClasses == null ? List.of() : List.copyOf(userClasses);
    }

    /** Classifies a request (NETBOOT.md): iPXE first, then option 60's prefix. */
    public static ClientInfo of(DhcpMessage m) {
        DhcpOptions o = m.options();
        String vc = o.vendorClass().orElse(null);
        List<String> uc = o.userClasses();
        ClientKind kind;
        if (uc.contains("iPXE") || o.has(OptionCode.IPXE_ENCAP)) {
            kind = ClientKind.IPXE;
        } else if (vc != null && vc.startsWith("HTTPClient")) {
            kind = ClientKind.HTTP_CLIENT;
        } else if (vc != null && vc.startsWith("PXEClient")) {
            kind = ClientKind.PXE_CLIENT;
        } else {
            kind = ClientKind.OTHER;
        }
        Integer arch = null;
        List<Integer> archs = o.clientArchitectures();
        if (!archs.isEmpty()) {
            arch = archs.get(0);
        } else if (vc != null) {
            Matcher matcher = ARCH.matcher(vc);
            if (matcher.find()) {
                arch = Integer.parseInt(matcher.group(1));
            }
        }
        return new ClientInfo(m.mac(), kind, arch, vc, uc);
    }

    /** {@code PXEClient/7} style, for log lines. */
    public String describe() {
        return kind.configName() + (arch == null ? "" : "/" + arch);
    }
}
