package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bootproxy.dhcp.backend.AddOutcome;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.LeasesUnavailableException;
import org.bootproxy.dhcp.backend.NotDeleteableException;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.backend.ReservationConflictException;
import org.bootproxy.dhcp.backend.ReservationRules;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kea} provider: a running kea-dhcp4 (Kea 2.2 and later) through its control channel.
 *
 * <h2>Reservations</h2>
 * Subnets, pools, options and host reservations come from {@code config-get}. Without a usable
 * {@code host_cmds} (next section) a write is {@code config-get} → edit → {@code config-set} → {@code config-write}, so the running server
 * uses the reservation at once and a restart keeps it. Writes are serialized in this backend, and
 * because Kea 2.2 has no compare-and-set, the configuration is read a second time right before
 * {@code config-set}: if it differs from the one the edit was made on (someone else changed
 * it), nothing is sent and the write fails with 503 ("changed underneath, retry"). If
 * {@code config-write} fails after a successful {@code config-set}, the previous configuration is
 * set back, so a failed write leaves nothing behind. Kea refusing the edited configuration (e.g.
 * a host name it does not take) is a 400 with Kea's message. Bonded hosts' reservations that
 * share an IP (see {@link DhcpBackend}) need {@code ip-reservations-unique: false}, which Kea 2.2
 * has only globally: the first such write sets it (and logs that it did). Cost: each write sends and re-parses the whole configuration, so it grows with the
 * number of reservations (BENCHMARKS.md).
 *
 * <h2>Reservations with host_cmds</h2>
 * Where {@code list-commands} shows the {@code host_cmds} hook ({@code libdhcp_host_cmds.so},
 * open source since Kea 2.7.7) and {@code version-get} a Kea of 2.4 or later (whose host_cmds
 * takes {@code operation-target}), writes go through the hook instead of {@code config-set}
 * (Kea ARM, "libdhcp_host_cmds.so: Host Commands"). By default {@code reservation-add} and
 * {@code reservation-del} only touch a hosts database; with {@code operation-target} they change
 * the running configuration ({@code memory}) or the database:
 * <ul>
 *   <li>No writable hosts database ({@code hosts-database(s)} absent or all {@code readonly}):
 *       {@code reservation-add} with {@code operation-target: memory}, then {@code config-write}
 *       (the ARM: memory changes are volatile until {@code config-write}). Kea uses the
 *       reservation at once and a restart keeps it, without re-parsing the whole configuration.
 *       If {@code config-write} fails the host is deleted again ({@code reservation-del},
 *       {@code memory}) and the write is a 503.</li>
 *   <li>A writable hosts database: new reservations go there ({@code operation-target: database});
 *       Kea looks hosts up in it per packet and it is persistent, so there is no
 *       {@code config-write}.</li>
 *   <li>Reservations of the configuration file stay readable from {@code config-get} and are
 *       deleted from the running configuration ({@code reservation-del}, {@code memory}) followed by
 *       {@code config-write}; if that fails the host is added back. Reservations of a hosts
 *       database are read with {@code reservation-get-page} (pages whose {@code next.source-index}
 *       is 1 or more; 0 is the configuration) and deleted with {@code operation-target: database};
 *       those of a read-only database are {@code deleteable: false}.</li>
 * </ul>
 * The conflict check reads the reservations of the posted MAC and IP live (the configuration,
 * plus {@code reservation-get} and {@code reservation-get-by-address} in the database). Kea refuses
 * duplicates itself (same MAC in the subnet; same IP while {@code ip-reservations-unique}); when it
 * refuses, the reservations are read again: one added meanwhile is a 409 (or 200 if identical),
 * anything else a 400 with Kea's text. A bonded host's further MAC first sets
 * {@code ip-reservations-unique: false} through {@code config-set} as above, and sets it back if
 * the add then fails. {@code reservation-*} answering "unsupported" (the hook was unloaded) is a
 * 503, and the next call detects the hooks again.
 *
 * <h2>Leases</h2>
 * From the {@code lease_cmds} hook ({@code lease4-get-all}, {@code lease4-get-by-hw-address},
 * {@code lease4-get}), read live on every call. Without the hook every lease read throws
 * {@link LeasesUnavailableException} (API: 501), and a WARN at start says so.
 *
 * <h2>Staleness</h2>
 * Reservation and subnet reads come from the last {@code config-get} (and, with a hosts database,
 * the last {@code reservation-get-page} walk), at most {@link #CACHE_TTL} old, and always re-read
 * after a write through this backend; a change made to Kea behind bootproxy's back shows within
 * that time.
 *
 * <p>Thread-safe. Every call is bounded by the channel's timeouts; Kea down is a
 * {@link BackendUnavailableException} (503) naming the socket or URL.
 */
public final class KeaBackend implements DhcpBackend {

    private static final Logger LOG = LoggerFactory.getLogger(KeaBackend.class);

    /** How old a cached {@code config-get} may be when a read uses it. */
    static final Duration CACHE_TTL = Duration.ofSeconds(5);

    private final KeaChannel channel;
    private final InstantSource clock;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Predicate<Ipv4Network> manages;
    private final KeaHostCmds hostCmds;
    private volatile Hooks hooks;
    private volatile Snapshot snapshot;
    private volatile DatabaseSnapshot databaseSnapshot;
    /** Bumped by every write, so a read that overlapped one does not cache what it read. */
    private final AtomicLong writes = new AtomicLong();

    private record Snapshot(KeaConfig config, Instant readAt) {
    }

    /** The hosts of the hosts database by Kea subnet id, from {@code reservation-get-page}. */
    private record DatabaseSnapshot(Map<Long, List<JsonNode>> hosts, Instant readAt) {
    }

    /** {@code hostCmds}: host_cmds is loaded and Kea is 2.4 or later, so writes go through it. */
    private record Hooks(boolean leaseCmds, boolean hostCmds) {
    }

    private KeaBackend(KeaChannel channel, InstantSource clock, Predicate<Ipv4Network> manages) {
        this.channel = channel;
        this.hostCmds = new KeaHostCmds(channel);
        this.clock = clock;
        this.manages = manages;
    }

    /**
     * A backend for Kea as {@code settings} say. Kea being down is no error here: every call then
     * fails with 503 until it answers; the hooks are detected on the first call that reaches it.
     *
     * @param manages which of Kea's subnets bootproxy shows and writes ({@code plugins.dhcp.subnets} as a filter)
     * @throws IllegalArgumentException for bad settings
     */
    public static KeaBackend open(KeaSettings settings, InstantSource clock, Predicate<Ipv4Network> manages) {
        KeaChannel channel;
        if (settings.getUrl() != null && !settings.getUrl().isBlank()) {
            URI url;
            try {
                url = URI.create(settings.getUrl().trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("plugins.dhcp.kea.url is not a URL: " + settings.getUrl(), e);
            }
            channel = new KeaHttpChannel(url, settings.getUsername(), settings.getPassword());
        } else {
            if (settings.getControlSocket() == null) {
                throw new IllegalArgumentException("plugins.dhcp.kea: set control_socket or url");
            }
            channel = new KeaUnixChannel(settings.getControlSocket());
        }
        return open(channel, clock, manages);
    }

    static KeaBackend open(KeaChannel channel, InstantSource clock, Predicate<Ipv4Network> manages) {
        KeaBackend b = new KeaBackend(channel, clock, manages);
        try {
            b.hooks();
        } catch (BackendUnavailableException e) {
            LOG.warn("Kea provider: {} (the API answers 503 until Kea answers)", e.getMessage());
        }
        return b;
    }

    /** The hooks Kea has, from {@code list-commands} on the first call that reaches Kea. */
    private Hooks hooks() throws BackendUnavailableException {
        Hooks h = hooks;
        if (h != null) {
            return h;
        }
        KeaResponse r = channel.send("list-commands", null);
        if (r.result() != KeaResponse.SUCCESS || r.arguments() == null || !r.arguments().isArray()) {
            throw new BackendUnavailableException("Kea at " + channel.describe() + " refused list-commands: "
                    + r.text(), null);
        }
        Set<String> commands = new HashSet<>();
        r.arguments().forEach(c -> commands.add(c.asText()));
        boolean hostCmdsLoaded = commands.containsAll(KeaHostCmds.COMMANDS);
        String version = hostCmdsLoaded ? version() : null;
        h = new Hooks(commands.containsAll(List.of("lease4-get-all", "lease4-get-by-hw-address", "lease4-get")),
                hostCmdsLoaded && atLeast(version, 2, 4));
        KeaConfig config = fresh();
        String hostCmdsUse;
        if (h.hostCmds()) {
            hostCmdsUse = config.hostsDatabase() == KeaConfig.HostsDatabase.WRITABLE
                    ? "loaded: new reservations go to the hosts database (reservation-add, operation-target database)"
                    : "loaded: reservations are added to the running configuration (reservation-add, operation-target"
                    + " memory) and saved with config-write";
        } else if (hostCmdsLoaded) {
            hostCmdsUse = "loaded but not used: " + (version == null ? "version-get named no version"
                    : "Kea's version '" + version + "' is not 2.4 or later") + " (older ones have no"
                    + " operation-target), so reservations are written with config-set";
        } else {
            hostCmdsUse = "absent: reservations are written with config-set";
        }
        LOG.info("Kea provider on {}: {} subnet(s), lease_cmds {}, host_cmds {}", channel.describe(),
                config.subnets().size(), h.leaseCmds() ? "loaded" : "absent", hostCmdsUse);
        if (!h.leaseCmds()) {
            LOG.warn("Kea at {} has no lease_cmds hook: leases are unavailable, lease reads answer 501 (load "
                    + "libdhcp_lease_cmds.so in Dhcp4 hooks-libraries)", channel.describe());
        }
        hooks = h;
        return h;
    }

    /** Kea's version from {@code version-get} ("2.7.7"), or null when it does not say. */
    private String version() throws BackendUnavailableException {
        KeaResponse r = channel.send("version-get", null);
        return r.result() == KeaResponse.SUCCESS && !r.text().isBlank() ? r.text().trim() : null;
    }

    /** Whether {@code version} ("2.7.7", "3.0.0-isc...") is at least {@code major.minor}; false when unknown. */
    static boolean atLeast(String version, int major, int minor) {
        Matcher m = version == null ? null : VERSION.matcher(version);
        if (m == null || !m.lookingAt()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        return ma > major || ma == major && Integer.parseInt(m.group(2)) >= minor;
    }

    private static final Pattern VERSION = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})");

    /** The hook vanished (Kea restarted without it): a 503 now, and the next call asks list-commands again. */
    private BackendUnavailableException hostCmdsGone(KeaHostCmds.Unloaded e) {
        hooks = null;
        return new BackendUnavailableException(e.getMessage(), e);
    }

    @Override
    public String provider() {
        return "kea";
    }

    /** Whether the lease_cmds hook answers lease reads. */
    public boolean hasLeaseCommands() throws BackendUnavailableException {
        return hooks().leaseCmds();
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<Subnet> subnets() throws BackendUnavailableException {
        return config().subnets();
    }

    @Override
    public List<Reservation> reservations(Subnet subnet) throws BackendUnavailableException {
        KeaConfig c = config();
        KeaConfig.KeaSubnet s = c.subnet(subnet.network());
        if (s == null) {
            return List.of();
        }
        List<Reservation> db = databaseReservations(c, s);
        if (db.isEmpty()) {
            return s.reservations();
        }
        List<Reservation> all = new ArrayList<>(s.reservations());
        all.addAll(db);
        all.sort(Comparator.comparing(Reservation::ip).thenComparing(r -> r.mac().toString()));
        return all;
    }

    @Override
    public Optional<Reservation> reservationByMac(Subnet subnet, MacAddress mac) throws BackendUnavailableException {
        KeaConfig c = config();
        KeaConfig.KeaSubnet s = c.subnet(subnet.network());
        if (s == null) {
            return Optional.empty();
        }
        Reservation inConfig = s.byMac().get(mac);
        if (inConfig != null) {
            return Optional.of(inConfig);
        }
        return databaseReservations(c, s).stream().filter(r -> r.mac().equals(mac)).findFirst();
    }

    @Override
    public Optional<Reservation> reservationByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        return reservationsByIp(subnet, ip).stream().findFirst();
    }

    @Override
    public List<Reservation> reservationsByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        KeaConfig c = config();
        KeaConfig.KeaSubnet s = c.subnet(subnet.network());
        if (s == null) {
            return List.of();
        }
        List<Reservation> inConfig = s.byIp().getOrDefault(ip, List.of());
        List<Reservation> db = databaseReservations(c, s).stream().filter(r -> r.ip().equals(ip)).toList();
        if (db.isEmpty()) {
            return inConfig;
        }
        List<Reservation> all = new ArrayList<>(inConfig);
        all.addAll(db);
        all.sort(Comparator.comparing(r -> r.mac().toString()));
        return all;
    }

    /** The reservations of {@code s} in Kea's hosts database (none without one or without host_cmds). */
    private List<Reservation> databaseReservations(KeaConfig c, KeaConfig.KeaSubnet s)
            throws BackendUnavailableException {
        KeaConfig.HostsDatabase db = c.hostsDatabase();
        if (db == KeaConfig.HostsDatabase.NONE || !hooks().hostCmds()) {
            return List.of();
        }
        DatabaseSnapshot d = databaseSnapshot;
        if (d == null || Duration.between(d.readAt(), clock.instant()).compareTo(CACHE_TTL) >= 0) {
            Instant at = clock.instant();
            long generation = writes.get();
            try {
                d = new DatabaseSnapshot(hostCmds.databaseHosts(), at);
            } catch (KeaHostCmds.Unloaded e) {
                throw hostCmdsGone(e);
            }
            if (writes.get() == generation) {
                databaseSnapshot = d;
            }
        }
        List<Reservation> out = new ArrayList<>();
        for (JsonNode h : d.hosts().getOrDefault(s.id(), List.of())) {
            Reservation r = KeaConfig.reservation(h, s.subnet().network(), db == KeaConfig.HostsDatabase.WRITABLE);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public List<Lease> activeLeases(Subnet subnet) throws BackendUnavailableException {
        KeaConfig.KeaSubnet s = requireLeases(subnet);
        ObjectNode args = KeaChannel.JSON.createObjectNode();
        args.putArray("subnets").add(s.id());
        KeaResponse r = leaseCommand("lease4-get-all", args);
        List<Lease> out = leases(r, s);
        out.sort(Comparator.comparing(Lease::ip));
        return out;
    }

    @Override
    public Optional<Lease> activeLeaseByMac(Subnet subnet, MacAddress mac) throws BackendUnavailableException {
        KeaConfig.KeaSubnet s = requireLeases(subnet);
        ObjectNode args = KeaChannel.JSON.createObjectNode();
        args.put("hw-address", mac.toString());
        return leases(leaseCommand("lease4-get-by-hw-address", args), s).stream()
                .max(Comparator.comparing(Lease::starts));
    }

    @Override
    public Optional<Lease> activeLeaseByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        KeaConfig.KeaSubnet s = requireLeases(subnet);
        ObjectNode args = KeaChannel.JSON.createObjectNode();
        args.put("ip-address", ip.toString());
        KeaResponse r = leaseCommand("lease4-get", args);
        if (r.result() == KeaResponse.EMPTY || r.arguments() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(lease(r.arguments(), s));
    }

    private KeaConfig.KeaSubnet requireLeases(Subnet subnet) throws BackendUnavailableException {
        if (!hooks().leaseCmds()) {
            throw new LeasesUnavailableException("Leases are unavailable: Kea at " + channel.describe()
                    + " has no lease_cmds hook loaded");
        }
        KeaConfig.KeaSubnet s = config().subnet(subnet.network());
        if (s == null) {
            throw new BackendUnavailableException("Subnet " + subnet.network() + " is no longer in Kea's"
                    + " configuration", null);
        }
        return s;
    }

    private KeaResponse leaseCommand(String command, ObjectNode args) throws BackendUnavailableException {
        KeaResponse r = channel.send(command, args);
        if (r.result() == KeaResponse.UNSUPPORTED) {
            throw new LeasesUnavailableException("Leases are unavailable: Kea at " + channel.describe()
                    + " does not support " + command + " (lease_cmds unloaded?)");
        }
        if (r.result() != KeaResponse.SUCCESS && r.result() != KeaResponse.EMPTY) {
            throw new BackendUnavailableException("Kea at " + channel.describe() + " failed " + command + ": "
                    + r.text(), null);
        }
        return r;
    }

    private List<Lease> leases(KeaResponse r, KeaConfig.KeaSubnet s) {
        List<Lease> out = new ArrayList<>();
        if (r.arguments() != null) {
            for (JsonNode l : r.arguments().path("leases")) {
                Lease lease = lease(l, s);
                if (lease != null) {
                    out.add(lease);
                }
            }
        }
        return out;
    }

    /** An active lease of the subnet, or null (another subnet, declined, expired, reclaimed). */
    private Lease lease(JsonNode l, KeaConfig.KeaSubnet s) {
        String ip = l.path("ip-address").asText("");
        String mac = l.path("hw-address").asText("");
        if (l.path("subnet-id").asLong(-1) != s.id() || l.path("state").asInt(0) != 0 || !Ipv4Address.isValid(ip)
                || !MacAddress.isValid(mac) || !l.path("cltt").canConvertToLong()) {
            return null;
        }
        Instant starts = Instant.ofEpochSecond(l.get("cltt").asLong());
        Instant ends = starts.plusSeconds(l.path("valid-lft").asLong(0));
        Ipv4Address addr = Ipv4Address.parse(ip);
        if (!ends.isAfter(clock.instant()) || !s.subnet().network().contains(addr)) {
            return null;
        }
        String hostname = l.path("hostname").asText("");
        return new Lease(addr, MacAddress.parse(mac), s.subnet().network(), starts, ends,
                hostname.isBlank() ? null : hostname);
    }

    // ------------------------------------------------------------------ writes

    @Override
    public AddOutcome addReservation(Reservation reservation)
            throws ReservationConflictException, RecordRejectedException, BackendUnavailableException {
        KeaConfig.toKea(reservation); // refuses what Kea cannot hold before any I/O
        writeLock.lock();
        try {
            Hooks h = hooks();
            KeaConfig read = fresh();
            KeaConfig.KeaSubnet s = subnetOf(read, reservation);
            if (h.hostCmds()) {
                return addThroughHostCmds(read, s, reservation);
            }
            Optional<AddOutcome> same = ReservationRules.check(reservation, s.reservations());
            if (same.isPresent()) {
                return same.get();
            }
            boolean shared = s.byIp().containsKey(reservation.ip());
            KeaConfig edited = read.withReservation(reservation, shared);
            if (shared && read.ipReservationsUnique()) {
                LOG.info("Kea at {}: setting ip-reservations-unique to false, so that bonded reservations of {} can"
                        + " share it", channel.describe(), reservation.ip());
            }
            apply(read, edited, "add " + reservation.mac() + " " + reservation.ip());
            return AddOutcome.CREATED;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean deleteReservation(Reservation reservation) throws NotDeleteableException,
            BackendUnavailableException {
        writeLock.lock();
        try {
            Hooks h = hooks();
            KeaConfig read = fresh();
            KeaConfig.KeaSubnet s = subnetOf(read, reservation);
            if (h.hostCmds()) {
                return deleteThroughHostCmds(read, s, reservation);
            }
            KeaConfig edited = read.withoutReservation(reservation);
            if (edited == null) {
                return false;
            }
            try {
                apply(read, edited, "delete " + reservation.mac() + " " + reservation.ip());
            } catch (RecordRejectedException e) {
                throw new BackendUnavailableException(e.getMessage(), e);
            }
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** {@link #addReservation} through host_cmds (see the class comment); under the write lock. */
    private AddOutcome addThroughHostCmds(KeaConfig read, KeaConfig.KeaSubnet s, Reservation r)
            throws ReservationConflictException, RecordRejectedException, BackendUnavailableException {
        String what = "add " + r.mac() + " " + r.ip();
        KeaConfig.HostsDatabase db = read.hostsDatabase();
        KeaHostCmds.Target target = db == KeaConfig.HostsDatabase.WRITABLE ? KeaHostCmds.Target.DATABASE
                : KeaHostCmds.Target.MEMORY;
        boolean unflagged = false;
        boolean added = false;
        try {
            List<Reservation> near = near(s, db, r);
            Optional<AddOutcome> same = ReservationRules.check(r, near);
            if (same.isPresent()) {
                return same.get();
            }
            if (read.ipReservationsUnique() && near.stream().anyMatch(e -> e.ip().equals(r.ip()))) {
                LOG.info("Kea at {}: setting ip-reservations-unique to false, so that bonded reservations of {} can"
                        + " share it", channel.describe(), r.ip());
                apply(read, read.withIpReservationsUnique(false), what);
                unflagged = true;
            }
            KeaResponse add = hostCmds.add(s.id(), KeaConfig.toKea(r), target);
            if (add.result() != KeaResponse.SUCCESS) {
                // Kea refuses duplicates itself: one that appeared since the read is a conflict (or the same)
                KeaConfig now = fresh();
                same = ReservationRules.check(r, near(subnetOf(now, r), now.hostsDatabase(), r));
                if (same.isPresent()) {
                    return same.get();
                }
                throw new RecordRejectedException("Kea refused the reservation (" + what + "): " + add.text());
            }
            if (target == KeaHostCmds.Target.MEMORY) {
                saveOrUndo(what, () -> hostCmds.delete(s.id(), r.mac(), KeaHostCmds.Target.MEMORY),
                        "the reservation was deleted from the running configuration again");
            }
            added = true;
            return AddOutcome.CREATED;
        } catch (KeaHostCmds.Unloaded e) {
            throw hostCmdsGone(e);
        } finally {
            if (unflagged && !added) {
                restoreUniqueIps(what);
            }
            writes.incrementAndGet();
            snapshot = null;
            databaseSnapshot = null;
        }
    }

    /** {@link #deleteReservation} through host_cmds (see the class comment); under the write lock. */
    private boolean deleteThroughHostCmds(KeaConfig read, KeaConfig.KeaSubnet s, Reservation r)
            throws NotDeleteableException, BackendUnavailableException {
        String what = "delete " + r.mac() + " " + r.ip();
        try {
            ObjectNode entry = read.hostEntry(r.subnet(), r.mac(), r.ip());
            if (entry != null) {
                // the configuration's own host (from the file or added in memory): gone from the running
                // configuration, then saved
                if (!hostCmds.delete(s.id(), r.mac(), KeaHostCmds.Target.MEMORY)) {
                    return false;
                }
                saveOrUndo(what, () -> hostCmds.add(s.id(), entry, KeaHostCmds.Target.MEMORY).result()
                        == KeaResponse.SUCCESS, "the reservation was added back to the running configuration");
                return true;
            }
            KeaConfig.HostsDatabase db = read.hostsDatabase();
            if (db == KeaConfig.HostsDatabase.NONE) {
                return false;
            }
            Optional<Reservation> stored = hostCmds.byMac(s.id(), s.subnet().network(), r.mac(),
                    KeaHostCmds.Target.DATABASE, db == KeaConfig.HostsDatabase.WRITABLE);
            if (stored.isEmpty() || !stored.get().ip().equals(r.ip())) {
                return false;
            }
            if (!stored.get().deleteable()) {
                throw new NotDeleteableException("Reservation " + r.mac() + " " + r.ip() + " is in Kea's read-only"
                        + " hosts database at " + channel.describe() + " and cannot be deleted");
            }
            return hostCmds.delete(s.id(), r.mac(), KeaHostCmds.Target.DATABASE);
        } catch (KeaHostCmds.Unloaded e) {
            throw hostCmdsGone(e);
        } finally {
            writes.incrementAndGet();
            snapshot = null;
            databaseSnapshot = null;
        }
    }

    /** The reservations of {@code s} with {@code r}'s MAC or IP, read now: all the conflict rule looks at. */
    private List<Reservation> near(KeaConfig.KeaSubnet s, KeaConfig.HostsDatabase db, Reservation r)
            throws BackendUnavailableException, KeaHostCmds.Unloaded {
        List<Reservation> out = new ArrayList<>();
        for (Reservation e : s.reservations()) {
            if (e.mac().equals(r.mac()) || e.ip().equals(r.ip())) {
                out.add(e);
            }
        }
        if (db != KeaConfig.HostsDatabase.NONE) {
            boolean deleteable = db == KeaConfig.HostsDatabase.WRITABLE;
            Ipv4Network net = s.subnet().network();
            hostCmds.byMac(s.id(), net, r.mac(), KeaHostCmds.Target.DATABASE, deleteable).ifPresent(out::add);
            out.addAll(hostCmds.byIp(s.id(), net, r.ip(), KeaHostCmds.Target.DATABASE, deleteable));
        }
        return out;
    }

    /** Undoes a host_cmds change in the running configuration; true when Kea took the undo. */
    @FunctionalInterface
    private interface Undo {
        boolean run() throws BackendUnavailableException, KeaHostCmds.Unloaded;
    }

    /** {@code config-write} after a change to the running configuration; on failure, {@code undo} and a 503. */
    private void saveOrUndo(String what, Undo undo, String undone) throws BackendUnavailableException {
        KeaResponse write;
        try {
            write = channel.send("config-write", null);
        } catch (BackendUnavailableException e) {
            throw new BackendUnavailableException(e.getMessage() + " (" + what + " is in Kea's running configuration"
                    + (undo(what, undo) ? "; " + undone + ")" : " and may not be saved)"), e);
        }
        if (write.result() != KeaResponse.SUCCESS) {
            boolean ok = undo(what, undo);
            throw new BackendUnavailableException("Kea could not write its configuration file (" + what + "): "
                    + write.text() + (ok ? "; " + undone : "; undoing it failed too, Kea runs the change unsaved"),
                    null);
        }
    }

    private boolean undo(String what, Undo undo) {
        try {
            if (undo.run()) {
                return true;
            }
            LOG.warn("Kea at {} refused to undo {} after a failed config-write", channel.describe(), what);
        } catch (BackendUnavailableException | KeaHostCmds.Unloaded e) {
            LOG.warn("Undoing {} in Kea at {} failed: {}", what, channel.describe(), e.getMessage());
        }
        return false;
    }

    /** Sets {@code ip-reservations-unique} back to true after a bonded add that failed. */
    private void restoreUniqueIps(String what) {
        try {
            KeaConfig now = fresh();
            if (!now.ipReservationsUnique()) {
                apply(now, now.withIpReservationsUnique(true), "restore ip-reservations-unique after " + what);
            }
        } catch (RecordRejectedException | BackendUnavailableException e) {
            LOG.warn("Kea at {}: setting ip-reservations-unique back to true after the failed {} failed: {}",
                    channel.describe(), what, e.getMessage());
        }
    }

    private KeaConfig.KeaSubnet subnetOf(KeaConfig config, Reservation r) throws BackendUnavailableException {
        KeaConfig.KeaSubnet s = config.subnet(r.subnet());
        if (s == null) {
            throw new BackendUnavailableException("Subnet " + r.subnet() + " is no longer in Kea's configuration at "
                    + channel.describe(), null);
        }
        return s;
    }

    /** config-set of {@code edited} if Kea still runs {@code read}, then config-write; rolls back on failure. */
    private void apply(KeaConfig read, KeaConfig edited, String what) throws RecordRejectedException,
            BackendUnavailableException {
        try {
            if (!fresh().sameAs(read)) {
                throw new BackendUnavailableException("Kea's configuration at " + channel.describe() + " changed while"
                        + " bootproxy was editing it (" + what + "); nothing was written, retry", null);
            }
            KeaResponse set = channel.send("config-set", edited.configSetArguments());
            if (set.result() != KeaResponse.SUCCESS) {
                // Kea keeps running the previous configuration when it refuses a new one
                throw new RecordRejectedException("Kea refused the reservation (" + what + "): " + set.text());
            }
            KeaResponse write = channel.send("config-write", null);
            if (write.result() != KeaResponse.SUCCESS) {
                rollBack(read, what);
                throw new BackendUnavailableException("Kea could not write its configuration file (" + what + "): "
                        + write.text() + "; the change was rolled back", null);
            }
        } finally {
            writes.incrementAndGet();
            snapshot = null; // the next read sees what Kea runs now
        }
    }

    private void rollBack(KeaConfig read, String what) {
        try {
            KeaResponse back = channel.send("config-set", read.configSetArguments());
            if (back.result() != KeaResponse.SUCCESS) {
                LOG.warn("Kea at {} refused the previous configuration when rolling back {}: {}", channel.describe(),
                        what, back.text());
            }
        } catch (BackendUnavailableException e) {
            LOG.warn("Rolling back {} in Kea failed: {}", what, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ config reads

    private KeaConfig config() throws BackendUnavailableException {
        hooks();
        Snapshot s = snapshot;
        if (s != null && Duration.between(s.readAt(), clock.instant()).compareTo(CACHE_TTL) < 0) {
            return s.config();
        }
        return fresh();
    }

    /** A config-get now; refreshes the cache. */
    private KeaConfig fresh() throws BackendUnavailableException {
        Instant at = clock.instant();
        long generation = writes.get();
        KeaResponse r = channel.send("config-get", null);
        if (r.result() != KeaResponse.SUCCESS) {
            throw new BackendUnavailableException("Kea at " + channel.describe() + " refused config-get: " + r.text(),
                    null);
        }
        KeaConfig c;
        try {
            c = KeaConfig.parse(r.arguments(), channel.describe(), manages);
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException(e.getMessage(), e);
        }
        if (writes.get() == generation) {
            snapshot = new Snapshot(c, at);
        }
        return c;
    }

    @Override
    public void checkHealth() throws BackendUnavailableException {
        KeaResponse r = channel.send("version-get", null);
        if (r.result() != KeaResponse.SUCCESS) {
            throw new BackendUnavailableException("Kea at " + channel.describe() + " refused version-get: " + r.text(),
                    null);
        }
    }

    @Override
    public void close() {
        // connections are per command: nothing held
    }

    @Override
    public String toString() {
        return "KeaBackend[" + Objects.toString(channel.describe()) + "]";
    }
}
