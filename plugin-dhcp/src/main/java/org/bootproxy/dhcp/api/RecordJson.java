package org.bootproxy.dhcp.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;

/**
 * The JSON shapes of API.md's DHCP section, as ordered maps for Jackson. Times are
 * {@code YYYY-MM-DD HH:MM:SS UTC}, a record's subnet is {@code network/netmask}, MACs lower case,
 * and no key ever matches {@code /sun/i} (Foreman would take the record for a SPARC host).
 */
final class RecordJson {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    static final Pattern SPARC_KEY = Pattern.compile("(?i).*sun.*");

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

    static Map<String, Object> reservation(Reservation r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("ip", r.ip().toString());
        m.put("mac", r.mac().toString());
        m.put("subnet", r.subnet().toNetmaskString());
        m.put("type", "reservation");
        m.put("deleteable", r.deleteable());
        m.put("hostname", r.hostname() != null ? r.hostname() : r.name());
        if (r.filename() != null) {
            m.put("filename", r.filename());
        }
        if (r.nextServer() != null) {
            m.put("nextServer", r.nextServer());
        }
        List<String> related = r.relatedMacs();
        if (!related.isEmpty()) {
            m.put("related_macs", related);
        }
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(r.options()).entrySet()) {
            // the API refuses such keys; this guards records from elsewhere (a static host file)
            if (!SPARC_KEY.matcher(e.getKey()).matches()) {
                m.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        return m;
    }

    static Map<String, Object> lease(Lease l, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "lease-" + l.mac().hexLower());
        m.put("ip", l.ip().toString());
        m.put("mac", l.mac().toString());
        m.put("subnet", l.subnet().toNetmaskString());
        m.put("starts", TIME.format(l.starts()));
        m.put("ends", TIME.format(l.ends()));
        m.put("state", l.activeAt(now) ? "active" : "expired");
        m.put("type", "lease");
        return m;
    }

    private static List<String> strings(List<Ipv4Address> ips) {
        List<String> out = new ArrayList<>(ips.size());
        for (Ipv4Address ip : ips) {
            out.add(ip.toString());
        }
        return out;
    }
}
