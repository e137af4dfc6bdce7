package org.bootproxy.dhcp.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;

/**
 * The JSON shapes of API.md's DHCP section (subnets as ordered maps for Jackson, records written
 * straight to a generator). Times are
 * {@code YYYY-MM-DD HH:MM:SS UTC}, a record's subnet is {@code network/netmask}, MACs lower case,
 * and no key ever matches {@code /sun/i} (Foreman would take the record for a SPARC host).
 */
final class RecordJson {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    static final Pattern SPARC_KEY = Pattern.compile("(?i).*sun.*");
    private static final Set<String> OWN_KEYS = Set.of("name", "ip", "mac", "subnet", "type", "deleteable",
            "hostname", "filename", "nextServer", "related_macs", "starts", "ends", "state");
    private static final JsonFactory FACTORY = new JsonFactory();

    private RecordJson() {
    }

    static Map<String, Object> subnet(Subnet s) {
        Map<String, Object> options = new LinkedHashMap<>();
        if (!s.routers().isEmpty()) {
            options.put("routers", strings(s.routers()));
        }
        if (!s.domainNameServers().isEmpty()) {
            options.put("domain_name_servers", strings(s.domainNameServers()));
        }
        if (s.rangeFirst() != null) {
            options.put("range", List.of(s.rangeFirst().toString(), s.rangeLast().toString()));
        }
        if (s.domainName() != null) {
            options.put("domain_name", s.domainName());
        }
        if (!s.ntpServers().isEmpty()) {
            options.put("ntp_servers", strings(s.ntpServers()));
        }
        if (s.interfaceMtu() != null) {
            options.put("interface_mtu", s.interfaceMtu());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", s.network().address().toString());
        m.put("netmask", s.network().netmask().toString());
        m.put("options", options);
        return m;
    }

    /** Writes {@code body} as the JSON entity, streamed: a listing of 60,000 records builds no tree. */
    static StreamingOutput stream(Body body) {
        return out -> {
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                body.write(g);
            }
        };
    }

    /** Writes a JSON value. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static void reservation(JsonGenerator g, Reservation r) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", r.name());
        g.writeStringField("ip", r.ip().toString());
        g.writeStringField("mac", r.mac().toString());
        g.writeStringField("subnet", r.subnet().toNetmaskString());
        g.writeStringField("type", "reservation");
        g.writeBooleanField("deleteable", r.deleteable());
        g.writeStringField("hostname", r.hostname() != null ? r.hostname() : r.name());
        if (r.filename() != null) {
            g.writeStringField("filename", r.filename());
        }
        if (r.nextServer() != null) {
            g.writeStringField("nextServer", r.nextServer());
        }
        if (!r.relatedMacs().isEmpty()) {
            g.writeArrayFieldStart("related_macs");
            for (String m : r.relatedMacs()) {
                g.writeString(m);
            }
            g.writeEndArray();
        }
        if (!r.options().isEmpty()) {
            for (Map.Entry<String, String> e : new TreeMap<>(r.options()).entrySet()) {
                // the API refuses such keys and the record's own names; this guards records from elsewhere
                if (!SPARC_KEY.matcher(e.getKey()).matches() && !OWN_KEYS.contains(e.getKey())) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
            }
        }
        g.writeEndObject();
    }

    static void lease(JsonGenerator g, Lease l, Instant now) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", "lease-" + l.mac().hexLower());
        g.writeStringField("ip", l.ip().toString());
        g.writeStringField("mac", l.mac().toString());
        g.writeStringField("subnet", l.subnet().toNetmaskString());
        g.writeStringField("starts", TIME.format(l.starts()));
        g.writeStringField("ends", TIME.format(l.ends()));
        g.writeStringField("state", l.activeAt(now) ? "active" : "expired");
        g.writeStringField("type", "lease");
        g.writeEndObject();
    }

    private static List<String> strings(List<Ipv4Address> ips) {
        List<String> out = new ArrayList<>(ips.size());
        for (Ipv4Address ip : ips) {
            out.add(ip.toString());
        }
        return out;
    }
}
