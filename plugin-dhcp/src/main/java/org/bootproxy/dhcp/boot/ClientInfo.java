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
        return classify(m.mac(), o.vendorClass().orElse(null), o.clientArchitectures(), o.userClasses(),
                o.has(OptionCode.IPXE_ENCAP));
    }

    /**
     * Classifies a client from what DHCPv4 or DHCPv6 carries alike: iPXE (user class {@code iPXE},
     * or iPXE's own option) first, then the vendor class's prefix; the architecture from the
     * architecture option, else the vendor class's {@code Arch:xxxxx}.
     *
     * @param vendorClass DHCPv4 option 60, or the first data item of DHCPv6 option 16; null if absent
     * @param archs DHCPv4 option 93 or DHCPv6 option 61
     * @param ipxeOption whether iPXE's encapsulated option (DHCPv4 175) is present
     */
    public static ClientInfo classify(MacAddress mac, String vendorClass, List<Integer> archs, List<String> userClasses,
                                      boolean ipxeOption) {
        String vc = vendorClass;
        List<String> uc = userClasses == null ? List.of() : userClasses;
        ClientKind kind;
        if (uc.contains("iPXE") || ipxeOption) {
            kind = ClientKind.IPXE;
        } else if (vc != null && vc.startsWith("HTTPClient")) {
            kind = ClientKind.HTTP_CLIENT;
        } else if (vc != null && vc.startsWith("PXEClient")) {
            kind = ClientKind.PXE_CLIENT;
        } else {
            kind = ClientKind.OTHER;
        }
        Integer arch = null;
        if (archs != null && !archs.isEmpty()) {
            arch = archs.get(0);
        } else if (vc != null) {
            Matcher matcher = ARCH.matcher(vc);
            if (matcher.find()) {
                arch = Integer.parseInt(matcher.group(1));
            }
        }
        return new ClientInfo(mac, kind, arch, vc, uc);
    }

    /** {@code PXEClient/7} style, for log lines. */
    public String describe() {
        return kind.configName() + (arch == null ? "" : "/" + arch);
    }
}
