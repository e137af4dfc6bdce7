package org.bootproxy.dhcp.backend.isc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bootproxy.dhcp.backend.isc.IscLexer.Token;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What bootproxy reads from dhcpd.conf: the IPv4 subnets with their options, and the static
 * {@code host} blocks. Follows dhcpd's scoping: {@code include "file";} (relative paths from the
 * including file's folder), {@code shared-network}, {@code group}, {@code pool} and {@code subnet}
 * blocks nest, and an option set in an outer scope applies inside unless set again. Everything
 * else (failover, classes, keys, {@code subnet6}, ...) is skipped.
 *
 * @param subnets every {@code subnet} block, in file order
 * @param hosts every static host with a hardware address and a fixed IPv4 address
 */
record DhcpdConf(List<Subnet> subnets, List<StaticHost> hosts) {

    private static final Logger LOG = LoggerFactory.getLogger(DhcpdConf.class);
    private static final Duration DEFAULT_LEASE = Duration.ofSeconds(43200);
    private static final int MAX_INCLUDE_DEPTH = 16;

    /**
     * A {@code host} block of dhcpd.conf.
     *
     * @param name the block's name
     * @param mac {@code hardware ethernet}
     * @param ips {@code fixed-address} (IPv4 literals only)
     * @param filename {@code filename}, or null
     * @param nextServer {@code next-server}, or null
     * @param hostname {@code option host-name}, or null
     */
    record StaticHost(String name, MacAddress mac, List<Ipv4Address> ips, String filename, String nextServer,
                      String hostname) {
    }

    /** Options of one scope; null fields inherit from the enclosing scope. */
    private static final class Scope {
        final Scope parent;
        List<Ipv4Address> routers;
        List<Ipv4Address> dns;
        String domainName;
        List<Ipv4Address> ntp;
        Integer mtu;
        Duration leaseTime;
        String filename;
        String nextServer;
        String hostname;

        Scope(Scope parent) {
            this.parent = parent;
        }

        <T> T get(java.util.function.Function<Scope, T> f) {
            for (Scope s = this; s != null; s = s.parent) {
                T v = f.apply(s);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
    }

    /** Reads and interprets {@code file}. */
    static DhcpdConf read(Path file) throws IOException, IscSyntaxException {
        List<Subnet> subnets = new ArrayList<>();
        List<StaticHost> hosts = new ArrayList<>();
        walk(parse(file, 0), new Scope(null), file, 0, subnets, hosts, new HashMap<>());
        return new DhcpdConf(List.copyOf(subnets), List.copyOf(hosts));
    }

    /** Parses text (for tests); includes resolve from {@code dir}. */
    static DhcpdConf parse(String text, Path dir) throws IOException, IscSyntaxException {
        List<Subnet> subnets = new ArrayList<>();
        List<StaticHost> hosts = new ArrayList<>();
        walk(statements(text, "dhcpd.conf"), new Scope(null), dir.resolve("dhcpd.conf"), 0, subnets, hosts,
                new HashMap<>());
        return new DhcpdConf(List.copyOf(subnets), List.copyOf(hosts));
    }

    private static List<IscStatement> parse(Path file, int depth) throws IOException, IscSyntaxException {
        return statements(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
    }

    private static List<IscStatement> statements(String text, String where) throws IscSyntaxException {
        IscLexer lx = new IscLexer(text);
        List<IscStatement> out = new ArrayList<>();
        try {
            for (Token t = lx.next(); t != null; t = lx.next()) {
                IscStatement s = IscStatement.read(lx, t);
                if (s != null) {
                    out.add(s);
                }
            }
        } catch (IscSyntaxException e) {
            throw new IscSyntaxException(e.line(), where + ": " + e.getMessage().replaceFirst("^line \\d+: ", ""));
        }
        return out;
    }

    private static void walk(List<IscStatement> body, Scope scope, Path file, int depth, List<Subnet> subnets,
                             List<StaticHost> hosts, Map<Path, Boolean> seen) throws IOException, IscSyntaxException {
        // options first, so a subnet sees options written after it in the same scope (as dhcpd does)
        for (IscStatement s : body) {
            if (!s.isBlock()) {
                option(s, scope, file);
            }
        }
        for (IscStatement s : body) {
            String kw = s.keyword();
            if (!s.isBlock()) {
                if (kw.equals("include") && s.words().size() >= 2) {
                    if (depth >= MAX_INCLUDE_DEPTH) {
                        throw new IscSyntaxException(s.line(), file + ": includes nest deeper than " + MAX_INCLUDE_DEPTH);
                    }
                    Path inc = Path.of(s.word(1));
                    if (!inc.isAbsolute()) {
                        Path dir = file.toAbsolutePath().getParent();
                        inc = dir == null ? inc : dir.resolve(inc);
                    }
                    walk(parse(inc, depth + 1), scope, inc, depth + 1, subnets, hosts, seen);
                }
                continue;
            }
            switch (kw) {
                case "shared-network", "group", "class", "pool" -> {
                    if (!kw.equals("class")) {
                        walk(s.body(), new Scope(scope), file, depth, subnets, hosts, seen);
                    }
                }
                case "subnet" -> subnet(s, scope, file, depth, subnets, hosts, seen);
                case "host" -> host(s, scope, file, hosts);
                default -> {
                    // subnet6, failover peer, key, zone, on ...: not ours
                }
            }
        }
    }

    private static void subnet(IscStatement s, Scope outer, Path file, int depth, List<Subnet> subnets,
                               List<StaticHost> hosts, Map<Path, Boolean> seen) throws IOException, IscSyntaxException {
        if (s.words().size() < 4 || !s.words().get(2).isWord("netmask")) {
            throw new IscSyntaxException(s.line(), file + ": subnet needs '<address> netmask <mask>'");
        }
        Ipv4Network net;
        try {
            Ipv4Address a = Ipv4Address.parse(s.word(1));
            net = new Ipv4Network(a, Ipv4Network.prefixOf(Ipv4Address.parse(s.word(3))));
        } catch (IllegalArgumentException e) {
            throw new IscSyntaxException(s.line(), file + ": subnet " + s.word(1) + " netmask " + s.word(3) + ": "
                    + e.getMessage());
        }
        Scope scope = new Scope(outer);
        List<Ipv4Address[]> ranges = new ArrayList<>();
        collectRanges(s.body(), net, file, ranges);
        walk(s.body(), scope, file, depth, new ArrayList<>(), hosts, seen);
        Ipv4Address first = ranges.isEmpty() ? null : ranges.get(0)[0];
        Ipv4Address last = ranges.isEmpty() ? null : ranges.get(0)[1];
        Duration lease = scope.get(x -> x.leaseTime);
        try {
            subnets.add(new Subnet(net, first, last, orEmpty(scope.get(x -> x.routers)), orEmpty(scope.get(x -> x.dns)),
                    scope.get(x -> x.domainName), orEmpty(scope.get(x -> x.ntp)), lease == null ? DEFAULT_LEASE : lease,
                    scope.get(x -> x.mtu)));
        } catch (IllegalArgumentException e) {
            throw new IscSyntaxException(s.line(), file + ": " + e.getMessage());
        }
    }

    /** {@code range} statements of a subnet, also inside its pools. */
    private static void collectRanges(List<IscStatement> body, Ipv4Network net, Path file, List<Ipv4Address[]> out)
            throws IscSyntaxException {
        for (IscStatement s : body) {
            if (s.isBlock() && s.keyword().equals("pool")) {
                collectRanges(s.body(), net, file, out);
            } else if (!s.isBlock() && s.keyword().equals("range")) {
                List<String> v = s.values(1);
                if (!v.isEmpty() && v.get(0).equalsIgnoreCase("dynamic-bootp")) {
                    v = v.subList(1, v.size());
                }
                try {
                    Ipv4Address a = Ipv4Address.parse(v.get(0));
                    Ipv4Address b = v.size() > 1 ? Ipv4Address.parse(v.get(1)) : a;
                    out.add(a.compareTo(b) <= 0 ? new Ipv4Address[] {a, b} : new Ipv4Address[] {b, a});
                } catch (RuntimeException e) {
                    throw new IscSyntaxException(s.line(), file + ": range " + String.join(" ", v) + ": " + e.getMessage());
                }
            }
        }
    }

    private static void host(IscStatement s, Scope outer, Path file, List<StaticHost> hosts) {
        String name = s.word(1);
        Scope scope = new Scope(outer);
        MacAddress mac = null;
        List<Ipv4Address> ips = new ArrayList<>();
        for (IscStatement st : s.body()) {
            if (st.isBlock()) {
                continue;
            }
            switch (st.keyword()) {
                case "hardware" -> {
                    if (st.words().size() >= 3 && st.words().get(1).isWord("ethernet") && MacAddress.isValid(st.word(2))) {
                        mac = MacAddress.parse(st.word(2));
                    }
                }
                case "fixed-address" -> {
                    for (String v : st.values(1)) {
                        if (Ipv4Address.isValid(v)) {
                            ips.add(Ipv4Address.parse(v));
                        } else {
                            LOG.warn("dhcp isc: {} line {}: host {} fixed-address {} is not an IPv4 literal; skipped",
                                    file, st.line(), name, v);
                        }
                    }
                }
                default -> option(st, scope, file);
            }
        }
        if (name == null || mac == null || ips.isEmpty()) {
            LOG.debug("dhcp isc: {} line {}: host {} has no ethernet address or fixed IPv4 address; not a reservation",
                    file, s.line(), name);
            return;
        }
        hosts.add(new StaticHost(name, mac, List.copyOf(ips), scope.get(x -> x.filename), scope.get(x -> x.nextServer),
                scope.hostname));
    }

    /** An option or parameter statement that sets something of {@code scope}. */
    private static void option(IscStatement s, Scope scope, Path file) {
        String kw = s.keyword();
        try {
            switch (kw) {
                case "option", "supersede", "default" -> {
                    if (s.words().size() < 3) {
                        return;
                    }
                    String name = s.word(1).toLowerCase(Locale.ROOT);
                    switch (name) {
                        case "routers" -> scope.routers = addresses(s.values(2), s, file);
                        case "domain-name-servers" -> scope.dns = addresses(s.values(2), s, file);
                        case "ntp-servers" -> scope.ntp = addresses(s.values(2), s, file);
                        case "domain-name" -> scope.domainName = s.word(2);
                        case "interface-mtu" -> scope.mtu = Integer.parseInt(s.word(2));
                        case "host-name" -> scope.hostname = s.word(2);
                        default -> {
                        }
                    }
                }
                case "default-lease-time" -> scope.leaseTime = Duration.ofSeconds(Long.parseLong(s.word(1)));
                case "filename" -> scope.filename = s.word(1);
                case "next-server" -> scope.nextServer = s.word(1);
                default -> {
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("dhcp isc: {} line {}: cannot read '{}': {}; ignored", file, s.line(), kw, e.getMessage());
        }
    }

    private static List<Ipv4Address> addresses(List<String> values, IscStatement s, Path file) {
        List<Ipv4Address> out = new ArrayList<>();
        for (String v : values) {
            if (Ipv4Address.isValid(v)) {
                out.add(Ipv4Address.parse(v));
            } else {
                LOG.warn("dhcp isc: {} line {}: {} is not an IPv4 literal; not shown", file, s.line(), v);
            }
        }
        return out;
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
