package org.bootproxy.dhcp.backend.isc;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.bootproxy.dhcp.backend.AddOutcome;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.NotDeleteableException;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.backend.ReservationConflictException;
import org.bootproxy.dhcp.backend.isc.DhcpdConf.StaticHost;
import org.bootproxy.dhcp.backend.isc.LeasesParser.HostRecord;
import org.bootproxy.dhcp.backend.isc.LeasesParser.LeaseRecord;
import org.bootproxy.dhcp.backend.isc.OmapiException.Kind;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.provider.ProviderContext;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code isc} backend: a running ISC dhcpd 4.x. Subnets, their options and static
 * {@code host} blocks come from dhcpd.conf (read at start); leases and OMAPI-created hosts from
 * dhcpd.leases, followed live by {@link LeasesFollower}; reservations are written as OMAPI
 * {@code host} objects by {@link OmapiClient}, which dhcpd serves at once and persists in its
 * leases file ({@code dynamic;}).
 *
 * <h2>Staleness</h2>
 * Reads come from memory. Changes made behind bootproxy's back (dhcpd's leases, omshell) show
 * within about {@code leases_poll_interval} (200 ms by default); this backend's own writes show
 * at once. dhcpd.conf is read once, at start (dhcpd itself reads it only at its start).
 *
 * <h2>What dhcpd keeps</h2>
 * A host object holds name, hardware address, one fixed address and statements (here
 * {@code filename}, {@code next-server}, {@code option host-name}); {@code related_macs} and
 * other options are not stored. So a reservation reads back with {@code related_macs} = the
 * MACs of the other reservations of its IP, an identical re-POST is judged on what dhcpd keeps
 * (name, host name, IP, MAC, filename, next-server), and the bonded rule checks that a new
 * reservation lists the MAC of every reservation already on its IP.
 *
 * <p>Thread-safe; writes are serialized (one OMAPI connection).
 */
public final class IscBackend implements DhcpBackend {

    private static final Logger LOG = LoggerFactory.getLogger(IscBackend.class);
    private static final String HEALTH_PROBE_NAME = "bootproxy-health-probe.invalid";

    private final List<Subnet> subnets;
    /** Static hosts of dhcpd.conf, by subnet, as reservations (deleteable = false). */
    private final Map<Subnet, List<Reservation>> staticHosts;
    private final LeasesFollower leases;
    private final OmapiClient omapi;
    private final InstantSource clock;
    private final ReentrantLock writeLock = new ReentrantLock();

    IscBackend(List<Subnet> subnets, List<StaticHost> hosts, LeasesFollower leases, OmapiClient omapi,
               InstantSource clock) {
        this.subnets = List.copyOf(subnets);
        this.leases = leases;
        this.omapi = omapi;
        this.clock = clock;
        Map<Subnet, List<Reservation>> st = new HashMap<>();
        for (StaticHost h : hosts) {
            for (Ipv4Address ip : h.ips()) {
                Subnet s = subnetOf(ip);
                if (s != null) {
                    st.computeIfAbsent(s, k -> new ArrayList<>()).add(new Reservation(h.name(),
                            h.hostname() == null ? h.name() : h.hostname(), ip, h.mac(), s.network(), h.filename(),
                            h.nextServer(), List.of(), Map.of(), false));
                }
            }
        }
        st.replaceAll((k, v) -> List.copyOf(v));
        this.staticHosts = Map.copyOf(st);
    }

    /**
     * Reads dhcpd.conf and dhcpd.leases and prepares the OMAPI client (which connects on first
     * use, so a dhcpd that is down at start only makes writes and the health check fail).
     *
     * @throws IllegalArgumentException naming a bad setting or the line of dhcpd.conf that does not parse
     * @throws IOException when dhcpd.conf or dhcpd.leases cannot be read
     */
    public static IscBackend open(ProviderContext context, IscSettings s) throws IOException {
        String keyName = s.keyName == null || s.keyName.isBlank() ? null : s.keyName.trim();
        byte[] secret = null;
        if (keyName != null) {
            if (s.keySecret == null || s.keySecret.isBlank()) {
                throw new IllegalArgumentException("plugins.dhcp.isc.key_secret is required with key_name " + keyName);
            }
            try {
                secret = Base64.getDecoder().decode(s.keySecret.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("plugins.dhcp.isc.key_secret is not base64: " + e.getMessage(), e);
            }
        }
        DhcpdConf conf;
        try {
            conf = DhcpdConf.read(s.config);
        } catch (IscSyntaxException e) {
            throw new IllegalArgumentException("plugins.dhcp.isc.config " + s.config + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("plugins.dhcp.isc.config " + s.config + " cannot be read: " + e, e);
        }
        List<Subnet> managed = new ArrayList<>();
        for (Subnet sub : conf.subnets()) {
            if (context.manages(sub.network())) {
                managed.add(sub);
            }
        }
        for (Subnet wanted : context.subnets()) {
            if (conf.subnets().stream().noneMatch(c -> wanted.network().contains(c.network().address()))) {
                LOG.warn("dhcp isc: plugins.dhcp.subnets lists {}, but {} declares no subnet in it", wanted.network(),
                        s.config);
            }
        }
        LeasesFollower follower = new LeasesFollower(s.leases,
                Duration.ofMillis(Math.max(10, s.leasesPollInterval.toMilliseconds())));
        try {
            follower.start();
        } catch (IOException e) {
            follower.close();
            throw new IOException("plugins.dhcp.isc.leases: " + e.getMessage(), e);
        }
        OmapiClient client = new OmapiClient(s.server, s.omapiPort, keyName, secret,
                Duration.ofMillis(s.connectTimeout.toMilliseconds()), Duration.ofMillis(s.readTimeout.toMilliseconds()));
        LOG.info("dhcp isc: {} subnet(s) of {} managed, {} static host(s); OMAPI {} (key {}); following {}",
                managed.size(), s.config, conf.hosts().size(), client.address(), keyName == null ? "none" : keyName,
                s.leases);
        return new IscBackend(managed, conf.hosts(), follower, client, context.clock());
    }

    private Subnet subnetOf(Ipv4Address ip) {
        for (Subnet s : subnets) {
            if (s.network().contains(ip)) {
                return s;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public String provider() {
        return "isc";
    }

    @Override
    public List<Subnet> subnets() {
        return subnets;
    }

    @Override
    public List<Reservation> reservations(Subnet subnet) {
        List<Reservation> out = new ArrayList<>(staticHosts.getOrDefault(subnet, List.of()));
        out.addAll(leases.read(v -> toReservations(v, v.hostsIn(subnet.network()), subnet)));
        out = withRelated(out);
        out.sort(Comparator.comparing(Reservation::ip).thenComparing(r -> r.mac().toString()));
        return out;
    }

    @Override
    public Optional<Reservation> reservationByMac(Subnet subnet, MacAddress mac) {
        List<Reservation> dyn = leases.read(v -> toReservations(v, v.hostsByMac(mac), subnet));
        Reservation r = !dyn.isEmpty() ? dyn.get(0) : staticHosts.getOrDefault(subnet, List.of()).stream()
                .filter(s -> s.mac().equals(mac)).findFirst().orElse(null);
        return r == null ? Optional.empty() : Optional.of(withRelated(r, subnet));
    }

    @Override
    public Optional<Reservation> reservationByIp(Subnet subnet, Ipv4Address ip) {
        return reservationsByIp(subnet, ip).stream().findFirst();
    }

    @Override
    public List<Reservation> reservationsByIp(Subnet subnet, Ipv4Address ip) {
        List<Reservation> out = new ArrayList<>(sharing(subnet, ip));
        out = withRelated(out);
        out.sort(Comparator.comparing(r -> r.mac().toString()));
        return out;
    }

    /** The reservations of {@code ip}, without derived related MACs. */
    private List<Reservation> sharing(Subnet subnet, Ipv4Address ip) {
        List<Reservation> out = new ArrayList<>(leases.read(v -> toReservations(v, v.hostsByIp(ip), subnet)));
        for (Reservation s : staticHosts.getOrDefault(subnet, List.of())) {
            if (s.ip().equals(ip)) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<Reservation> toReservations(LeasesView v, List<HostRecord> hosts, Subnet subnet) {
        List<Reservation> out = new ArrayList<>(hosts.size());
        for (HostRecord h : hosts) {
            if (subnet.network().contains(h.ip())) {
                out.add(new Reservation(h.name(), h.hostname() == null ? h.name() : h.hostname(), h.ip(), h.mac(),
                        subnet.network(), h.filename(), h.nextServer(), List.of(), Map.of(), true));
            }
        }
        return out;
    }

    /** Sets each reservation's related MACs to the other MACs on its IP (all in {@code list}). */
    private static List<Reservation> withRelated(List<Reservation> list) {
        Map<Ipv4Address, List<Reservation>> byIp = new LinkedHashMap<>();
        for (Reservation r : list) {
            byIp.computeIfAbsent(r.ip(), k -> new ArrayList<>(1)).add(r);
        }
        List<Reservation> out = new ArrayList<>(list.size());
        for (List<Reservation> same : byIp.values()) {
            for (Reservation r : same) {
                out.add(same.size() == 1 ? r : related(r, same));
            }
        }
        return out;
    }

    private Reservation withRelated(Reservation r, Subnet subnet) {
        List<Reservation> same = sharing(subnet, r.ip());
        return same.size() <= 1 ? r : related(r, same);
    }

    private static Reservation related(Reservation r, List<Reservation> same) {
        List<String> macs = same.stream().map(Reservation::mac).filter(m -> !m.equals(r.mac())).map(MacAddress::toString)
                .distinct().sorted().toList();
        return new Reservation(r.name(), r.hostname(), r.ip(), r.mac(), r.subnet(), r.filename(), r.nextServer(), macs,
                r.options(), r.deleteable());
    }

    @Override
    public List<Lease> activeLeases(Subnet subnet) {
        Instant now = clock.instant();
        return leases.read(v -> v.activeLeases(subnet.network(), now)).stream().map(l -> lease(l, subnet)).toList();
    }

    @Override
    public Optional<Lease> activeLeaseByMac(Subnet subnet, MacAddress mac) {
        Instant now = clock.instant();
        return leases.read(v -> v.activeLeasesOf(mac, subnet.network(), now)).stream()
                .max(Comparator.comparing(LeaseRecord::starts)).map(l -> lease(l, subnet));
    }

    @Override
    public Optional<Lease> activeLeaseByIp(Subnet subnet, Ipv4Address ip) {
        if (!subnet.network().contains(ip)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        LeaseRecord l = leases.read(v -> v.lease(ip));
        return l != null && l.activeAt(now) ? Optional.of(lease(l, subnet)) : Optional.empty();
    }

    private static Lease lease(LeaseRecord l, Subnet subnet) {
        return new Lease(l.ip(), l.mac(), subnet.network(), l.starts(), l.ends(), l.hostname());
    }

    // ------------------------------------------------------------------ writes

    @Override
    public AddOutcome addReservation(Reservation r)
            throws ReservationConflictException, RecordRejectedException, BackendUnavailableException {
        Subnet subnet = subnets.stream().filter(s -> s.network().equals(r.subnet())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("subnet " + r.subnet() + " is not managed"));
        String statements = statements(r);
        writeLock.lock();
        try {
            Optional<Reservation> byMac = reservationByMac(subnet, r.mac());
            if (byMac.isPresent()) {
                if (same(byMac.get(), r)) {
                    return AddOutcome.UNCHANGED;
                }
                throw new ReservationConflictException(r, byMac.get());
            }
            for (Reservation e : sharing(subnet, r.ip())) {
                if (!lists(r, e.mac())) {
                    throw new ReservationConflictException(r, e);
                }
            }
            HostRecord sameName = leases.read(v -> v.host(r.name()));
            if (sameName != null) {
                Reservation e = new Reservation(sameName.name(), sameName.hostname() == null ? sameName.name()
                        : sameName.hostname(), sameName.ip(), sameName.mac(), subnetOrOwn(sameName.ip(), r), null, null,
                        List.of(), Map.of(), true);
                throw new ReservationConflictException("Record " + r.subnet().address() + "/" + r.ip()
                        + ": host name " + r.name() + " is already used by " + sameName.mac() + " " + sameName.ip(), e);
            }
            Map<String, byte[]> msg = new LinkedHashMap<>();
            msg.put("type", OmapiMessage.string("host"));
            msg.put("create", OmapiMessage.int32(1));
            msg.put("exclusive", OmapiMessage.int32(1));
            Map<String, byte[]> obj = new LinkedHashMap<>();
            obj.put("name", OmapiMessage.string(r.name()));
            obj.put("hardware-address", r.mac().octets());
            obj.put("hardware-type", OmapiMessage.int32(1));
            obj.put("ip-address", r.ip().bytes());
            obj.put("statements", OmapiMessage.string(statements));
            try {
                omapi.call(OmapiMessage.OP_OPEN, 0, msg, obj);
            } catch (OmapiException e) {
                failCreate(e, r);
            }
            leases.apply(new HostRecord(r.name(), false, r.mac(), 1, r.ip(), r.filename(),
                    nextServerAsStored(r.nextServer()), hostname(r)));
            return AddOutcome.CREATED;
        } finally {
            writeLock.unlock();
        }
    }

    private org.bootproxy.spi.net.Ipv4Network subnetOrOwn(Ipv4Address ip, Reservation r) {
        Subnet s = ip == null ? null : subnetOf(ip);
        return s == null || !s.network().contains(ip) ? r.subnet() : s.network();
    }

    @Override
    public boolean deleteReservation(Reservation r) throws NotDeleteableException, BackendUnavailableException {
        Subnet subnet = subnets.stream().filter(s -> s.network().equals(r.subnet())).findFirst().orElse(null);
        if (subnet == null) {
            return false;
        }
        writeLock.lock();
        try {
            Optional<Reservation> existing = reservationByMac(subnet, r.mac());
            if (existing.isEmpty() || !existing.get().ip().equals(r.ip())) {
                return false;
            }
            Reservation e = existing.get();
            if (!e.deleteable()) {
                throw new NotDeleteableException("Record " + r.subnet().address() + "/" + r.ip() + " (host "
                        + e.name() + ") is a static host in dhcpd.conf and cannot be deleted");
            }
            Map<String, byte[]> msg = new LinkedHashMap<>();
            msg.put("type", OmapiMessage.string("host"));
            Map<String, byte[]> obj = new LinkedHashMap<>();
            obj.put("name", OmapiMessage.string(e.name()));
            OmapiMessage opened;
            try {
                opened = omapi.call(OmapiMessage.OP_OPEN, 0, msg, obj);
            } catch (OmapiException ex) {
                if (ex.kind() == Kind.NOT_FOUND) {
                    // dhcpd has no such host (deleted behind our back; the leases file will say so)
                    leases.apply(new HostRecord(e.name(), true, null, 1, null, null, null, null));
                    return false;
                }
                throw unavailableOrState(ex, "delete");
            }
            String mac = hexMac(opened.object().get("hardware-address"));
            if (mac != null && !mac.equals(e.mac().toString())) {
                throw new BackendUnavailableException("dhcpd's host " + e.name() + " has hardware address " + mac
                        + ", not " + e.mac() + "; nothing deleted (leases file behind dhcpd?)", null);
            }
            try {
                omapi.call(OmapiMessage.OP_DELETE, opened.handle(), Map.of(), Map.of());
            } catch (OmapiException ex) {
                throw unavailableOrState(ex, "delete");
            }
            leases.apply(new HostRecord(e.name(), true, null, 1, null, null, null, null));
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    private static String hexMac(byte[] b) {
        if (b == null || b.length != 6) {
            return null;
        }
        return MacAddress.of(b, 6).toString();
    }

    @Override
    public void checkHealth() throws BackendUnavailableException {
        String error = leases.error();
        if (error != null) {
            throw new BackendUnavailableException(error, null);
        }
        Map<String, byte[]> msg = new LinkedHashMap<>();
        msg.put("type", OmapiMessage.string("host"));
        Map<String, byte[]> obj = new LinkedHashMap<>();
        obj.put("name", OmapiMessage.string(HEALTH_PROBE_NAME));
        try {
            omapi.call(OmapiMessage.OP_OPEN, 0, msg, obj);
        } catch (OmapiException e) {
            if (e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.AUTH) {
                throw new BackendUnavailableException(e.getMessage(), e);
            }
            // not found (or refused): dhcpd answered, signed with our key
        }
    }

    @Override
    public void close() {
        leases.close();
        omapi.close();
    }

    // ------------------------------------------------------------------ helpers

    private BackendUnavailableException unavailableOrState(OmapiException e, String what) {
        return new BackendUnavailableException(e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.AUTH ? e.getMessage()
                : "dhcpd refused to " + what + ": " + e.getMessage(), e);
    }

    /** Throws dhcpd's refusal of a create as the API's category. */
    private static void failCreate(OmapiException e, Reservation r)
            throws ReservationConflictException, RecordRejectedException, BackendUnavailableException {
        String record = "Record " + r.subnet().address() + "/" + r.ip();
        switch (e.kind()) {
            case UNAVAILABLE -> throw new BackendUnavailableException(e.getMessage()
                    + " (if the request reached dhcpd the reservation may exist: a GET shows it)", e);
            case AUTH -> throw new BackendUnavailableException(e.getMessage(), e);
            case EXISTS -> throw new ReservationConflictException(record + " refused by dhcpd: " + e.getMessage(), r);
            case NOT_FOUND, REFUSED -> throw new RecordRejectedException(record + " refused by dhcpd: "
                    + e.getMessage());
        }
    }

    static boolean lists(Reservation r, MacAddress mac) {
        for (String m : r.relatedMacs()) {
            if (MacAddress.isValid(m) && MacAddress.parse(m).equals(mac)) {
                return true;
            }
        }
        return false;
    }

    private static String hostname(Reservation r) {
        return r.hostname() == null || r.hostname().isBlank() ? r.name() : r.hostname();
    }

    /** Equal in what dhcpd keeps (see the class comment). */
    static boolean same(Reservation stored, Reservation wanted) {
        return stored.name().equals(wanted.name()) && stored.ip().equals(wanted.ip())
                && stored.mac().equals(wanted.mac()) && hostname(stored).equals(hostname(wanted))
                && Objects.equals(blankToNull(stored.filename()), blankToNull(wanted.filename()))
                && sameNextServer(stored.nextServer(), wanted.nextServer());
    }

    private static boolean sameNextServer(String stored, String wanted) {
        String a = blankToNull(stored);
        String b = blankToNull(wanted);
        if (Objects.equals(a, b)) {
            return true;
        }
        return a != null && b != null && a.equals(nextServerAsStored(b));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The form dhcpd gives a next-server back in: an IPv4 address, or the name when it does not resolve. */
    static String nextServerAsStored(String nextServer) {
        if (nextServer == null || nextServer.isBlank()) {
            return null;
        }
        if (Ipv4Address.isValid(nextServer)) {
            return Ipv4Address.parse(nextServer).toString();
        }
        Ipv4Address a = resolve(nextServer);
        return a == null ? nextServer : a.toString();
    }

    private static Ipv4Address resolve(String name) {
        try {
            for (InetAddress a : InetAddress.getAllByName(name)) {
                if (a instanceof Inet4Address v4) {
                    return Ipv4Address.of(v4);
                }
            }
        } catch (UnknownHostException | SecurityException e) {
            // not resolvable here: dhcpd gets the name, as smart-proxy does
        }
        return null;
    }

    /**
     * The host's statements: {@code filename}, {@code next-server} (hex bytes of the IPv4
     * address, as smart-proxy writes it; a quoted name when it does not resolve) and
     * {@code option host-name}.
     */
    static String statements(Reservation r) throws RecordRejectedException {
        StringBuilder sb = new StringBuilder();
        if (blankToNull(r.filename()) != null) {
            sb.append("filename = \"").append(quoted("filename", r.filename())).append("\"; ");
        }
        String ns = nextServerAsStored(r.nextServer());
        if (ns != null) {
            if (Ipv4Address.isValid(ns)) {
                byte[] b = Ipv4Address.parse(ns).bytes();
                sb.append(String.format("next-server = %02x:%02x:%02x:%02x; ", b[0] & 0xff, b[1] & 0xff, b[2] & 0xff,
                        b[3] & 0xff));
            } else {
                sb.append("next-server = \"").append(quoted("nextServer", ns)).append("\"; ");
            }
        }
        sb.append("option host-name = \"").append(quoted("hostname", hostname(r))).append("\";");
        return sb.toString();
    }

    private static String quoted(String field, String value) throws RecordRejectedException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f || c > 0x7e) {
                throw new RecordRejectedException("Invalid " + field + " '" + value
                        + "': dhcpd statements take printable ASCII without quotes or backslashes");
            }
        }
        return new String(value.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
    }
}
