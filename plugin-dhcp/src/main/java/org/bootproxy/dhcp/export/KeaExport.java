package org.bootproxy.dhcp.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.bootproxy.dhcp.boot.BootRule;
import org.bootproxy.dhcp.boot.ClientKind;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;

/**
 * Kea DHCPv4: client classes {@code bootproxy-ipxe}, {@code -http} (with the option 60 echo),
 * {@code -pxe}, then one class per rule whose test excludes every earlier rule's class with
 * {@code not member(...)} — so exactly one rule class sets {@code boot-file-name} and
 * {@code next-server}, first match wins. Subnets and reservations go to {@code subnet4}; a
 * reservation's own {@code boot-file-name}/{@code next-server} take precedence over classes.
 */
final class KeaExport {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private KeaExport() {
    }

    static String render(ExportModel m) {
        ObjectNode dhcp4 = F.objectNode();
        ObjectNode ifaces = dhcp4.putObject("interfaces-config");
        ArrayNode il = ifaces.putArray("interfaces");
        m.interfaces().forEach(il::add);
        ObjectNode leases = dhcp4.putObject("lease-database");
        leases.put("type", "memfile");
        leases.put("lfc-interval", 3600);
        ArrayNode defs = dhcp4.putArray("option-def");
        defs.addObject().put("space", "dhcp4").put("name", "ipxe-encap-opts").put("code", 175).put("type", "empty")
                .put("encapsulate", "ipxe");
        defs.addObject().put("space", "ipxe").put("name", "no-pxedhcp").put("code", 176).put("type", "uint8");

        ArrayNode classes = dhcp4.putArray("client-classes");
        String ipxe = "(option[77].hex == 'iPXE' or option[175].exists)";
        ObjectNode ipxeClass = classes.addObject().put("name", "bootproxy-ipxe").put("test", ipxe);
        ArrayNode ipxeData = ipxeClass.putArray("option-data");
        ipxeData.addObject().put("space", "dhcp4").put("name", "ipxe-encap-opts").put("code", 175);
        ipxeData.addObject().put("space", "ipxe").put("name", "no-pxedhcp").put("code", 176).put("data", "1");
        ObjectNode http = classes.addObject().put("name", "bootproxy-http")
                .put("test", "not member('bootproxy-ipxe') and substring(option[60].hex,0,10) == 'HTTPClient'");
        http.putArray("option-data").addObject().put("name", "vendor-class-identifier").put("data", "HTTPClient");
        classes.addObject().put("name", "bootproxy-pxe")
                .put("test", "not member('bootproxy-ipxe') and substring(option[60].hex,0,9) == 'PXEClient'");

        List<String> earlier = new ArrayList<>();
        int i = 0;
        for (BootRule r : m.rules().rules()) {
            String name = "bootproxy-rule-" + ++i;
            List<String> conds = new ArrayList<>();
            if (r.kind() != null) {
                conds.add(switch (r.kind()) {
                    case IPXE -> "member('bootproxy-ipxe')";
                    case HTTP_CLIENT -> "member('bootproxy-http')";
                    case PXE_CLIENT -> "member('bootproxy-pxe')";
                    case OTHER -> "not member('bootproxy-ipxe') and not member('bootproxy-http') and not member('bootproxy-pxe')";
                });
            }
            if (!r.arches().isEmpty()) {
                List<String> alts = new ArrayList<>();
                for (int a : r.arches().stream().sorted().toList()) {
                    alts.add("option[93].hex == 0x" + String.format("%04x", a));
                    if (r.kind() == ClientKind.PXE_CLIENT || r.kind() == ClientKind.HTTP_CLIENT) {
                        alts.add("substring(option[60].hex," + Text.archOffset(r.kind()) + ",5) == '" + Text.arch5(a) + "'");
                    }
                }
                conds.add("(" + String.join(" or ", alts) + ")");
            }
            if (r.mac() != null) {
                conds.add("pkt4.mac == 0x" + r.mac().hexLower());
            }
            if (r.vendorClassPrefix() != null) {
                conds.add("substring(option[60].hex,0," + r.vendorClassPrefix().length() + ") == '"
                        + r.vendorClassPrefix().replace("'", "") + "'");
            }
            earlier.forEach(e -> conds.add("not member('" + e + "')"));
            String test = conds.isEmpty() ? "pkt4.msgtype > 0" : String.join(" and ", conds);
            String next = m.nextServerOf(r);
            ObjectNode c = classes.addObject().put("name", name).put("test", test)
                    .put("boot-file-name", m.filenameOf(r, next));
            if (Text.isIpv4(next)) {
                c.put("next-server", next);
            } else {
                c.put("server-hostname", next);
            }
            earlier.add(name);
        }

        ArrayNode subnets = dhcp4.putArray("subnet4");
        int id = 0;
        for (Subnet s : m.subnets()) {
            ObjectNode sn = subnets.addObject();
            sn.put("id", ++id);
            sn.put("subnet", s.network().toString());
            sn.put("valid-lifetime", s.leaseTime().toSeconds());
            if (s.rangeFirst() != null) {
                sn.putArray("pools").addObject().put("pool", s.rangeFirst() + " - " + s.rangeLast());
            }
            ArrayNode data = sn.putArray("option-data");
            list(data, "routers", s.routers());
            list(data, "domain-name-servers", s.domainNameServers());
            list(data, "ntp-servers", s.ntpServers());
            if (s.domainName() != null) {
                data.addObject().put("name", "domain-name").put("data", s.domainName());
            }
            if (s.interfaceMtu() != null) {
                data.addObject().put("name", "interface-mtu").put("data", String.valueOf(s.interfaceMtu()));
            }
            ArrayNode res = sn.putArray("reservations");
            for (Reservation r : m.reservations()) {
                if (!s.network().contains(r.ip())) {
                    continue;
                }
                ObjectNode h = res.addObject().put("hw-address", r.mac().toString()).put("ip-address", r.ip().toString());
                if (r.hostname() != null) {
                    h.put("hostname", r.hostname());
                }
                // the BOOTP file and sname fields: Kea refuses longer values (127 and 63 bytes)
                if (r.filename() != null && r.filename().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 127) {
                    h.put("boot-file-name", r.filename());
                }
                if (r.nextServer() != null) {
                    if (Text.isIpv4(r.nextServer())) {
                        h.put("next-server", r.nextServer());
                    } else if (Text.isHostName(r.nextServer())) {
                        h.put("server-hostname", r.nextServer());
                    }
                }
            }
        }
        ObjectNode root = F.objectNode();
        root.set("Dhcp4", dhcp4);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void list(ArrayNode data, String name, List<Ipv4Address> values) {
        if (!values.isEmpty()) {
            data.addObject().put("name", name)
                    .put("data", values.stream().map(Ipv4Address::toString).collect(Collectors.joining(", ")));
        }
    }
}
