package org.bootproxy.dhcp.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bootproxy.dhcp.boot.BootRule;
import org.bootproxy.dhcp.boot.ClientKind;

/**
 * Kea {@code kea-dhcp6.conf}: the DHCPv6 boot rules of {@link Isc6Export} as Kea client classes, one
 * per rule, first match wins ({@code not member(...)} of every earlier one): an HTTPClient (option 16
 * at byte offset 6) gets option 59 {@code bootfile-url} and option 16 {@code HTTPClient} back, a
 * PXEClient a {@code tftp://} URL; the architecture is option 61. Kea 2.2 reads one daemon's section
 * per file, so this is a file of its own beside {@code --format kea}'s {@code kea-dhcp4.conf}. Rules
 * with a MAC or vendor-class condition and the IPv4 subnets and reservations have no DHCPv6
 * equivalent; add your {@code subnet6} entries.
 */
final class Kea6Export {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Kea6Export() {
    }

    static String render(ExportModel m) {
        String host6 = m.nextServer6();
        if (host6 == null) {
            throw new IllegalArgumentException("--format kea6 needs --next-server6 (the IPv6 address or host name"
                    + " in the boot URLs)");
        }
        String urlHost = host6.contains(":") ? "[" + host6 + "]" : host6;
        ObjectNode dhcp6 = F.objectNode();
        ArrayNode il = dhcp6.putObject("interfaces-config").putArray("interfaces");
        m.interfaces().forEach(il::add);
        dhcp6.putObject("lease-database").put("type", "memfile").put("lfc-interval", 3600);
        ArrayNode classes = dhcp6.putArray("client-classes");
        List<String> earlier = new ArrayList<>();
        int i = 0;
        for (ClientKind kind : List.of(ClientKind.HTTP_CLIENT, ClientKind.PXE_CLIENT)) {
            String vendor = kind.configName();
            for (BootRule r : m.rulesFor(kind)) {
                if (r.mac() != null || r.vendorClassPrefix() != null) {
                    continue; // no DHCPv6 equivalent (see the class comment)
                }
                String name = "bootproxy6-rule-" + ++i;
                List<String> conds = new ArrayList<>();
                conds.add("substring(option[16].hex,6," + vendor.length() + ") == '" + vendor + "'");
                if (!r.arches().isEmpty()) {
                    List<String> alts = new ArrayList<>();
                    for (int a : r.arches().stream().sorted().toList()) {
                        alts.add("option[61].hex == 0x" + String.format("%04x", a));
                    }
                    conds.add("(" + String.join(" or ", alts) + ")");
                }
                earlier.forEach(e -> conds.add("not member('" + e + "')"));
                String file = m.filenameOf(r, urlHost);
                String url = file.startsWith("http://") || file.startsWith("https://") ? file
                        : "tftp://" + urlHost + "/" + file;
                ObjectNode c = classes.addObject().put("name", name).put("test", String.join(" and ", conds));
                ArrayNode data = c.putArray("option-data");
                data.addObject().put("name", "bootfile-url").put("data", url);
                if (kind == ClientKind.HTTP_CLIENT) {
                    // record (uint32 enterprise, binary): the binary is the length-prefixed class data
                    byte[] text = vendor.getBytes(StandardCharsets.US_ASCII);
                    data.addObject().put("name", "vendor-class").put("data", "343, "
                            + String.format("%04x", text.length) + HexFormat.of().formatHex(text));
                }
                earlier.add(name);
            }
        }
        dhcp6.putArray("subnet6");
        ObjectNode root = F.objectNode();
        root.set("Dhcp6", dhcp6);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
