package org.bootproxy.dhcp.backend.dnsmasq;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What bootproxy reads from a dnsmasq configuration (following {@code conf-file} and
 * {@code conf-dir} includes): DHCPv4 subnets from {@code dhcp-range}, their untagged options,
 * static {@code dhcp-host} lines (reservations that are not deleteable), and the paths of
 * {@code dhcp-hostsdir}, {@code dhcp-optsdir}, {@code dhcp-leasefile} and {@code pid-file}.
 * Everything else is ignored. Immutable.
 */
record DnsmasqConfig(List<Subnet> subnets, List<Reservation> staticHosts, Path hostsdir, Path optsdir,
                     Path leaseFile, Path pidFile) {

    private static final Logger LOG = LoggerFactory.getLogger(DnsmasqConfig.class);

    /** dnsmasq's compiled-in defaults. */
    static final Path DEFAULT_LEASES = Path.of("/var/lib/misc/dnsmasq.leases");
    static final Path DEFAULT_PID = Path.of("/var/run/dnsmasq.pid");
    private static final Duration DEFAULT_LEASE_TIME = Duration.ofHours(1);
    private static final int MAX_INCLUDE_DEPTH = 16;

    DnsmasqConfig {
        subnets = List.copyOf(subnets);
        staticHosts = List.copyOf(staticHosts);
    }

    /** One directive of a configuration file: {@code key[=value]} and where it was read. */
    private record Line(String key, String value, String where) {
    }

    /**
     * Reads {@code config} and its includes.
     *
     * @param manages which subnets bootproxy shows ({@code plugins.dhcp.subnets} as a filter)
     * @throws IOException when the main file cannot be read
     * @throws IllegalArgumentException naming the file and line of a directive that cannot be understood
     */
    static DnsmasqConfig read(Path config, Predicate<Ipv4Network> manages) throws IOException {
        List<Line> lines = new ArrayList<>();
        collect(config, lines, new HashSet<>(), 0);
        Map<String, String> options = new LinkedHashMap<>();
        Path hostsdir = null;
        Path optsdir = null;
        Path leases = DEFAULT_LEASES;
        Path pid = DEFAULT_PID;
        String domain = null;
        for (Line l : lines) {
            switch (l.key()) {
                case "dhcp-hostsdir" -> hostsdir = Path.of(l.value());
                case "dhcp-optsdir" -> optsdir = Path.of(l.value());
                case "dhcp-leasefile", "dhcp-lease-file", "l" -> leases = Path.of(l.value());
                case "pid-file", "x" -> pid = Path.of(l.value());
                case "domain" -> domain = l.value().split(",")[0].trim();
                case "dhcp-option" -> option(l.value(), options);
                default -> {
                }
            }
        }
        if (domain != null) {
            options.putIfAbsent("domain-name", domain);
        }
        List<Subnet> subnets = new ArrayList<>();
        for (Line l : lines) {
            if (l.key().equals("dhcp-range")) {
                Subnet s = range(l, options);
                if (s != null && manages.test(s.network()) && subnets.stream().noneMatch(o -> o.network()
                        .equals(s.network()))) {
                    subnets.add(s);
                }
            }
        }
        List<Reservation> hosts = new ArrayList<>();
        for (Line l : lines) {
            if (l.key().equals("dhcp-host")) {
                hosts.addAll(hostLine(l.value(), subnets, false, l.where()));
            }
        }
        return new DnsmasqConfig(subnets, hosts, hostsdir, optsdir, leases, pid);
    }

    private static void collect(Path file, List<Line> into, Set<Path> seen, int depth) throws IOException {
        Path real = file.toRealPath();
        if (!seen.add(real) || depth > MAX_INCLUDE_DEPTH) {
            return;
        }
        List<String> text = Files.readAllLines(file);
        for (int i = 0; i < text.size(); i++) {
            String raw = text.get(i).strip();
            if (raw.isEmpty() || raw.startsWith("#")) {
                continue;
            }
            int eq = raw.indexOf('=');
            String key = (eq < 0 ? raw : raw.substring(0, eq)).strip();
            if (key.startsWith("--")) {
                key = key.substring(2);
            }
            String value = eq < 0 ? "" : stripComment(raw.substring(eq + 1)).strip();
            String where = file + ":" + (i + 1);
            if (key.equals("conf-file")) {
                Path inc = file.resolveSibling(value);
                if (Files.isRegularFile(inc)) {
                    collect(inc, into, seen, depth + 1);
                }
            } else if (key.equals("conf-dir")) {
                includeDir(file, value, into, seen, depth);
            } else {
                into.add(new Line(key, value, where));
            }
        }
    }

    /** {@code conf-dir=<dir>[,<.ext-to-skip>...]} or {@code conf-dir=<dir>,*<.ext-to-take>...}. */
    private static void includeDir(Path file, String value, List<Line> into, Set<Path> seen, int depth)
            throws IOException {
        String[] parts = value.split(",");
        Path dir = file.resolveSibling(parts[0].strip());
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> take = new ArrayList<>();
        List<String> skip = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith("*")) {
                take.add(p.substring(1));
            } else if (!p.isEmpty()) {
                skip.add(p);
            }
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                // dnsmasq skips dotfiles, editor backups and #autosaves#
                if (n.startsWith(".") || n.endsWith("~") || n.startsWith("#") && n.endsWith("#")
                        || !Files.isRegularFile(p)) {
                    continue;
                }
                if (!take.isEmpty() ? take.stream().anyMatch(n::endsWith) : skip.stream().noneMatch(n::endsWith)) {
                    files.add(p);
                }
            }
        }
        files.sort(null); // dnsmasq reads them in alphabetical order
        for (Path p : files) {
            collect(p, into, seen, depth + 1);
        }
    }

    private static String stripComment(String v) {
        boolean quoted = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted && (i == 0 || Character.isWhitespace(v.charAt(i - 1)))) {
                return v.substring(0, i);
            }
        }
        return v;
    }

    /** An untagged {@code dhcp-option} of a kind {@code GET /dhcp} shows. */
    private static void option(String value, Map<String, String> into) {
        String[] f = value.split(",", 2);
        String k = f[0].strip().toLowerCase(Locale.ROOT);
        if (f.length < 2 || k.startsWith("tag:") || k.startsWith("net:") || k.startsWith("vendor:")
                || k.startsWith("encap:") || k.startsWith("option6:")) {
            return;
        }
        String name = switch (k) {
            case "3", "option:router" -> "routers";
            case "6", "option:dns-server" -> "domain-name-servers";
            case "15", "option:domain-name" -> "domain-name";
            case "42", "option:ntp-server" -> "ntp-servers";
            case "26", "option:mtu" -> "interface-mtu";
            default -> null;
        };
        if (name != null) {
            into.put(name, f[1].strip());
        }
    }

    /**
     * {@code dhcp-range=[tag:<t>,...][set:<t>,]<start>[,<end>|,static|,proxy][,<mode>...][,<netmask>[,<broadcast>]][,<lease time>]}.
     * IPv6 and {@code constructor:} ranges are skipped (null).
     */
    private static Subnet range(Line l, Map<String, String> options) {
        List<String> f = new ArrayList<>();
        for (String p : l.value().split(",")) {
            String t = p.strip();
            String lower = t.toLowerCase(Locale.ROOT);
            if (!(lower.startsWith("tag:") || lower.startsWith("set:") || lower.startsWith("net:")
                    || lower.startsWith("interface:"))) {
                f.add(t);
            }
        }
        if (f.isEmpty() || !Ipv4Address.isValid(f.get(0))) {
            return null;
        }
        Ipv4Address start = Ipv4Address.parse(f.get(0));
        Ipv4Address end = null;
        List<Ipv4Address> addrs = new ArrayList<>();
        boolean pool = true;
        Duration lease = DEFAULT_LEASE_TIME;
        for (int i = 1; i < f.size(); i++) {
            String t = f.get(i);
            if (Ipv4Address.isValid(t)) {
                addrs.add(Ipv4Address.parse(t));
            } else if (t.equals("static") || t.equals("proxy")) {
                pool = false;
            } else if (i == f.size() - 1) {
                lease = leaseTime(t, l.where());
            }
        }
        Ipv4Address netmask = null;
        if (pool && !addrs.isEmpty()) {
            end = addrs.remove(0);
        }
        if (!addrs.isEmpty()) {
            netmask = addrs.get(0);
        }
        int prefix;
        if (netmask != null) {
            prefix = Ipv4Network.prefixOf(netmask);
        } else {
            // dnsmasq takes it from the interface, which bootproxy cannot see
            LOG.warn("{}: dhcp-range without a netmask, assuming /24 (add the netmask to the line)", l.where());
            prefix = 24;
        }
        Ipv4Network net = new Ipv4Network(new Ipv4Address(start.value() & (prefix == 0 ? 0 : -1 << (32 - prefix))),
                prefix);
        Integer mtu = options.containsKey("interface-mtu") ? Integer.valueOf(options.get("interface-mtu")) : null;
        return new Subnet(net, pool ? start : null, pool ? end : null, addresses(options.get("routers")),
                addresses(options.get("domain-name-servers")), options.get("domain-name"),
                addresses(options.get("ntp-servers")), lease, mtu);
    }

    private static Duration leaseTime(String t, String where) {
        String s = t.toLowerCase(Locale.ROOT);
        if (s.equals("infinite")) {
            return Duration.ofDays(365 * 100L);
        }
        long unit = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        switch (last) {
            case 's' -> s = s.substring(0, s.length() - 1);
            case 'm' -> {
                unit = 60;
                s = s.substring(0, s.length() - 1);
            }
            case 'h' -> {
                unit = 3600;
                s = s.substring(0, s.length() - 1);
            }
            case 'd' -> {
                unit = 86400;
                s = s.substring(0, s.length() - 1);
            }
            case 'w' -> {
                unit = 7 * 86400;
                s = s.substring(0, s.length() - 1);
            }
            default -> {
            }
        }
        try {
            long v = Long.parseLong(s);
            if (v > 0) {
                return Duration.ofSeconds(v * unit);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(where + ": dhcp-range lease time not understood: " + t);
    }

    private static List<Ipv4Address> addresses(String csv) {
        List<Ipv4Address> out = new ArrayList<>();
        if (csv != null) {
            for (String s : csv.split(",")) {
                if (Ipv4Address.isValid(s.strip())) {
                    out.add(Ipv4Address.parse(s.strip()));
                }
            }
        }
        return out;
    }

    /**
     * The reservations of one {@code dhcp-host} line (one per MAC on it): {@code [mac...][,id:...]
     * [,set:<t>][,tag:<t>][,<ip>][,<hostname>][,<lease time>][,ignore]}. Lines without a MAC or an
     * IPv4 address of a managed subnet give none.
     */
    static List<Reservation> hostLine(String value, List<Subnet> subnets, boolean deleteable, String where) {
        List<MacAddress> macs = new ArrayList<>();
        Ipv4Address ip = null;
        String hostname = null;
        for (String p : value.split(",")) {
            String t = p.strip();
            String lower = t.toLowerCase(Locale.ROOT);
            if (t.isEmpty() || lower.startsWith("id:") || lower.startsWith("set:") || lower.startsWith("tag:")
                    || lower.startsWith("net:") || lower.equals("ignore") || lower.equals("infinite")
                    || t.startsWith("[")) {
                continue;
            }
            if (MacAddress.isValid(t)) {
                macs.add(MacAddress.parse(t));
            } else if (Ipv4Address.isValid(t)) {
                ip = Ipv4Address.parse(t);
            } else if (!Character.isDigit(t.charAt(0)) || !t.matches("\\d+[smhdw]?")) {
                if (hostname == null && !t.contains(":")) {
                    hostname = t;
                }
            }
        }
        List<Reservation> out = new ArrayList<>();
        if (ip == null || macs.isEmpty()) {
            return out;
        }
        for (Subnet s : subnets) {
            if (s.network().contains(ip)) {
                for (MacAddress m : macs) {
                    String name = hostname != null ? hostname : m.toString();
                    out.add(new Reservation(name, name, ip, m, s.network(), null, null, List.of(), Map.of(),
                            deleteable));
                }
                return out;
            }
        }
        LOG.debug("{}: dhcp-host {} is in no managed subnet, not shown", where, value);
        return out;
    }
}
