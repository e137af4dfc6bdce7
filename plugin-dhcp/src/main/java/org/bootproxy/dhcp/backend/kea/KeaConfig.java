package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code Dhcp4} configuration as {@code config-get} returns it, read into subnets and host
 * reservations, and the edits bootproxy makes to it. Immutable view over a tree nobody else
 * holds; {@link #withReservation} and {@link #withoutReservation} return edited copies.
 *
 * <p>A reservation bootproxy wrote carries what Kea has no field for (the record name,
 * {@code related_macs}, options passed through) in its {@code user-context} under
 * {@code "bootproxy"}, so that it reads back equal to what was posted. A next server that is an
 * IPv4 address goes to {@code next-server} (siaddr); a host name to {@code server-hostname}
 * (sname), as Kea has no resolver.
 */
final class KeaConfig {

    private static final Logger LOG = LoggerFactory.getLogger(KeaConfig.class);

    /** Kea's default {@code valid-lifetime}. */
    private static final Duration KEA_DEFAULT_LIFETIME = Duration.ofSeconds(7200);
    /** The {@code file} field of a DHCP packet (Kea's limit for {@code boot-file-name}). */
    static final int MAX_FILE_BYTES = 128;
    /** The {@code sname} field (Kea's limit for {@code server-hostname}). */
    static final int MAX_SNAME_BYTES = 64;
    private static final String CONTEXT_KEY = "bootproxy";

    /** One {@code subnet4} entry. */
    record KeaSubnet(long id, Subnet subnet, ObjectNode node, List<Reservation> reservations,
                     Map<MacAddress, Reservation> byMac, Map<Ipv4Address, List<Reservation>> byIp) {
    }

    private final ObjectNode dhcp4;
    private final Map<Ipv4Network, KeaSubnet> subnets;

    private KeaConfig(ObjectNode dhcp4, Map<Ipv4Network, KeaSubnet> subnets) {
        this.dhcp4 = dhcp4;
        this.subnets = subnets;
    }

    /** Reads the {@code arguments} of a {@code config-get} answer. */
    static KeaConfig parse(JsonNode configGetArguments, String where, Predicate<Ipv4Network> manages) {
        JsonNode d = configGetArguments == null ? null : configGetArguments.get("Dhcp4");
        if (d == null || !d.isObject()) {
            throw new IllegalArgumentException("Kea at " + where + " returned a configuration without Dhcp4");
        }
        ObjectNode dhcp4 = (ObjectNode) d;
        Map<Ipv4Network, KeaSubnet> subnets = new LinkedHashMap<>();
        List<JsonNode> nodes = new ArrayList<>();
        dhcp4.path("subnet4").forEach(nodes::add);
        dhcp4.path("shared-networks").forEach(sn -> sn.path("subnet4").forEach(nodes::add));
        for (JsonNode n : nodes) {
            try {
                KeaSubnet s = subnet((ObjectNode) n, dhcp4);
                if (manages.test(s.subnet().network())) {
                    subnets.put(s.subnet().network(), s);
                }
            } catch (IllegalArgumentException | ClassCastException e) {
                LOG.warn("Kea subnet {} at {} is not usable by bootproxy, skipped: {}", n.path("subnet").asText(),
                        where, e.getMessage());
            }
        }
        return new KeaConfig(dhcp4, subnets);
    }

    List<Subnet> subnets() {
        return subnets.values().stream().map(KeaSubnet::subnet).toList();
    }

    KeaSubnet subnet(Ipv4Network network) {
        return subnets.get(network);
    }

    /** The configuration to send back with {@code config-set}. */
    ObjectNode configSetArguments() {
        ObjectNode args = KeaChannel.JSON.createObjectNode();
        args.set("Dhcp4", dhcp4);
        return args;
    }

    /** Whether two reads are the same configuration. */
    boolean sameAs(KeaConfig other) {
        return dhcp4.equals(other.dhcp4);
    }

    /** Kea 2.2's default: one reservation per IP in a subnet. */
    boolean ipReservationsUnique() {
        return dhcp4.path("ip-reservations-unique").asBoolean(true);
    }

    /** A copy with Kea's global {@code ip-reservations-unique} set to {@code unique}. */
    KeaConfig withIpReservationsUnique(boolean unique) {
        ObjectNode copy = dhcp4.deepCopy();
        copy.put("ip-reservations-unique", unique);
        return new KeaConfig(copy, Map.of());
    }

    /** Whether Kea has a hosts database ({@code hosts-database} or {@code hosts-databases}) and can write to it. */
    enum HostsDatabase {
        NONE, READ_ONLY, WRITABLE
    }

    /** The hosts databases of this configuration: writable when any of them is not {@code readonly}. */
    HostsDatabase hostsDatabase() {
        List<JsonNode> dbs = new ArrayList<>();
        if (dhcp4.path("hosts-database").isObject()) {
            dbs.add(dhcp4.get("hosts-database"));
        }
        dhcp4.path("hosts-databases").forEach(dbs::add);
        if (dbs.isEmpty()) {
            return HostsDatabase.NONE;
        }
        return dbs.stream().anyMatch(db -> !db.path("readonly").asBoolean(false)) ? HostsDatabase.WRITABLE
                : HostsDatabase.READ_ONLY;
    }

    /** The managed subnet of Kea's subnet id {@code id}, or null. */
    KeaSubnet subnetById(long id) {
        return subnets.values().stream().filter(s -> s.id() == id).findFirst().orElse(null);
    }

    /** A copy of the configuration's host entry for {@code mac} and {@code ip} in {@code network}, or null. */
    ObjectNode hostEntry(Ipv4Network network, MacAddress mac, Ipv4Address ip) {
        KeaSubnet s = subnets.get(network);
        if (s != null) {
            for (JsonNode h : s.node().path("reservations")) {
                if (mac.equals(macOf(h)) && ip.toString().equals(h.path("ip-address").asText())) {
                    return (ObjectNode) h.deepCopy();
                }
            }
        }
        return null;
    }

    /**
     * A copy with {@code r} appended to its subnet's reservations; {@code sharedIp} (a bonded host's
     * further MAC) also turns Kea's {@code ip-reservations-unique} off, without which Kea refuses it.
     */
    KeaConfig withReservation(Reservation r, boolean sharedIp) throws RecordRejectedException {
        ObjectNode copy = dhcp4.deepCopy();
        if (sharedIp) {
            copy.put("ip-reservations-unique", false);
        }
        ObjectNode subnet = findNode(copy, r.subnet());
        JsonNode list = subnet.get("reservations");
        ArrayNode reservations = list instanceof ArrayNode a ? a : subnet.putArray("reservations");
        reservations.add(toKea(r));
        return new KeaConfig(copy, Map.of());
    }

    /** A copy without the reservation of {@code r}'s MAC and IP; null when there is none. */
    KeaConfig withoutReservation(Reservation r) {
        ObjectNode copy = dhcp4.deepCopy();
        ObjectNode subnet = findNode(copy, r.subnet());
        JsonNode list = subnet.get("reservations");
        if (list instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode h = a.get(i);
                if (macOf(h) != null && macOf(h).equals(r.mac()) && r.ip().toString().equals(h.path("ip-address")
                        .asText())) {
                    a.remove(i);
                    return new KeaConfig(copy, Map.of());
                }
            }
        }
        return null;
    }

    private static ObjectNode findNode(ObjectNode dhcp4, Ipv4Network network) {
        List<JsonNode> nodes = new ArrayList<>();
        dhcp4.path("subnet4").forEach(nodes::add);
        dhcp4.path("shared-networks").forEach(sn -> sn.path("subnet4").forEach(nodes::add));
        for (JsonNode n : nodes) {
            if (network.toString().equals(n.path("subnet").asText().trim())) {
                return (ObjectNode) n;
            }
        }
        throw new IllegalStateException("subnet " + network + " vanished from the Kea configuration");
    }

    /** The Kea host entry of {@code r}; refuses what Kea's fields cannot hold. */
    static ObjectNode toKea(Reservation r) throws RecordRejectedException {
        ObjectNode h = KeaChannel.JSON.createObjectNode();
        h.put("hw-address", r.mac().toString());
        h.put("ip-address", r.ip().toString());
        h.put("hostname", r.hostname());
        if (r.filename() != null) {
            if (utf8(r.filename()) > MAX_FILE_BYTES) {
                throw new RecordRejectedException("filename is longer than the " + MAX_FILE_BYTES
                        + " bytes Kea's boot-file-name holds: " + r.filename());
            }
            h.put("boot-file-name", r.filename());
        }
        if (r.nextServer() != null) {
            if (Ipv4Address.isValid(r.nextServer())) {
                h.put("next-server", r.nextServer());
            } else if (utf8(r.nextServer()) > MAX_SNAME_BYTES) {
                throw new RecordRejectedException("nextServer is longer than the " + MAX_SNAME_BYTES
                        + " bytes Kea's server-hostname holds: " + r.nextServer());
            } else {
                h.put("server-hostname", r.nextServer());
            }
        }
        ObjectNode ctx = h.putObject("user-context").putObject(CONTEXT_KEY);
        ctx.put("name", r.name());
        ArrayNode related = ctx.putArray("related-macs");
        r.relatedMacs().forEach(related::add);
        ObjectNode options = ctx.putObject("options");
        r.options().forEach(options::put);
        return h;
    }

    private static int utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static KeaSubnet subnet(ObjectNode n, ObjectNode global) {
        long id = n.path("id").asLong(-1);
        Ipv4Network net = Ipv4Network.parse(n.path("subnet").asText().trim());
        Ipv4Address first = null;
        Ipv4Address last = null;
        for (JsonNode p : n.path("pools")) {
            String pool = p.path("pool").asText().trim();
            Ipv4Address a;
            Ipv4Address b;
            int dash = pool.indexOf('-');
            if (dash > 0) {
                a = Ipv4Address.parse(pool.substring(0, dash).trim());
                b = Ipv4Address.parse(pool.substring(dash + 1).trim());
            } else {
                Ipv4Network pn = Ipv4Network.parse(pool);
                a = pn.address();
                b = pn.broadcast();
            }
            // GET /dhcp shows one range: the span of the pools
            first = first == null || a.compareTo(first) < 0 ? a : first;
            last = last == null || b.compareTo(last) > 0 ? b : last;
        }
        Map<String, String> options = new HashMap<>();
        readOptions(global.path("option-data"), options);
        readOptions(n.path("option-data"), options);
        Duration lifetime = n.path("valid-lifetime").canConvertToLong() ? Duration.ofSeconds(n.get("valid-lifetime")
                .asLong()) : global.path("valid-lifetime").canConvertToLong()
                ? Duration.ofSeconds(global.get("valid-lifetime").asLong()) : KEA_DEFAULT_LIFETIME;
        if (lifetime.isZero() || lifetime.isNegative()) {
            lifetime = KEA_DEFAULT_LIFETIME;
        }
        Integer mtu = options.containsKey("interface-mtu") ? Integer.valueOf(options.get("interface-mtu").trim()) : null;
        Subnet subnet = new Subnet(net, first, last, addresses(options.get("routers")),
                addresses(options.get("domain-name-servers")), options.get("domain-name"),
                addresses(options.get("ntp-servers")), lifetime, mtu);
        List<Reservation> reservations = new ArrayList<>();
        for (JsonNode h : n.path("reservations")) {
            Reservation r = reservation(h, net);
            if (r != null) {
                reservations.add(r);
            }
        }
        reservations.sort(Comparator.comparing(Reservation::ip).thenComparing(r -> r.mac().toString()));
        Map<MacAddress, Reservation> byMac = new HashMap<>();
        Map<Ipv4Address, List<Reservation>> byIp = new HashMap<>();
        for (Reservation r : reservations) {
            byMac.putIfAbsent(r.mac(), r);
            byIp.computeIfAbsent(r.ip(), k -> new ArrayList<>()).add(r);
        }
        return new KeaSubnet(id, subnet, n, List.copyOf(reservations), byMac, byIp);
    }

    private static void readOptions(JsonNode optionData, Map<String, String> into) {
        Map<Integer, String> names = Map.of(3, "routers", 6, "domain-name-servers", 15, "domain-name",
                42, "ntp-servers", 26, "interface-mtu");
        for (JsonNode o : optionData) {
            String name = o.path("name").asText("");
            if (name.isEmpty() && o.path("code").canConvertToInt()) {
                name = names.getOrDefault(o.get("code").asInt(), "");
            }
            if (!name.isEmpty() && o.has("data") && o.path("space").asText("dhcp4").equals("dhcp4")) {
                into.put(name, o.get("data").asText());
            }
        }
    }

    private static List<Ipv4Address> addresses(String csv) {
        List<Ipv4Address> out = new ArrayList<>();
        if (csv != null) {
            for (String s : csv.split(",")) {
                if (Ipv4Address.isValid(s.trim())) {
                    out.add(Ipv4Address.parse(s.trim()));
                }
            }
        }
        return out;
    }

    private static MacAddress macOf(JsonNode h) {
        String mac = h.path("hw-address").asText("");
        return MacAddress.isValid(mac) ? MacAddress.parse(mac) : null;
    }

    /** A Kea host entry as a deleteable reservation; null for one bootproxy cannot show (no MAC, no IPv4 address, outside the subnet). */
    static Reservation reservation(JsonNode h, Ipv4Network net) {
        return reservation(h, net, true);
    }

    /** A Kea host entry (of the configuration or of host_cmds' answers) as a reservation, or null as above. */
    static Reservation reservation(JsonNode h, Ipv4Network net, boolean deleteable) {
        MacAddress mac = macOf(h);
        String ipText = h.path("ip-address").asText("");
        if (mac == null || !Ipv4Address.isValid(ipText) || !net.contains(Ipv4Address.parse(ipText))) {
            return null;
        }
        String hostname = blankToNull(h.path("hostname").asText(""));
        String filename = blankToNull(h.path("boot-file-name").asText(""));
        String nextServer = blankToNull(h.path("next-server").asText(""));
        if ("0.0.0.0".equals(nextServer)) {
            nextServer = null;
        }
        if (nextServer == null) {
            nextServer = blankToNull(h.path("server-hostname").asText(""));
        }
        JsonNode ctx = h.path("user-context").path(CONTEXT_KEY);
        String name = blankToNull(ctx.path("name").asText(""));
        if (name == null) {
            name = hostname != null ? hostname : mac.toString();
        }
        if (hostname == null) {
            hostname = name;
        }
        List<String> related = new ArrayList<>();
        ctx.path("related-macs").forEach(m -> related.add(m.asText()));
        Map<String, String> options = new LinkedHashMap<>();
        ctx.path("options").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        return new Reservation(name, hostname, Ipv4Address.parse(ipText), mac, net, filename, nextServer, related,
                options, deleteable);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
