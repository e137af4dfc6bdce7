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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
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
 * Subnets, pools, options and host reservations come from {@code config-get}. A write is
 * {@code config-get} → edit → {@code config-set} → {@code config-write}, so the running server
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
 * <p>{@code host_cmds} ({@code reservation-add}/{@code -del}, open source since Kea 2.7.7) is
 * detected with {@code list-commands} and reported at start; it needs a host database, and
 * reservations in the configuration file cannot be changed through it, so this backend keeps the
 * configuration path.
 *
 * <h2>Leases</h2>
 * From the {@code lease_cmds} hook ({@code lease4-get-all}, {@code lease4-get-by-hw-address},
 * {@code lease4-get}), read live on every call. Without the hook every lease read throws
 * {@link LeasesUnavailableException} (API: 501), and a WARN at start says so.
 *
 * <h2>Staleness</h2>
 * Reservation and subnet reads come from the last {@code config-get}, at most
 * {@link #CACHE_TTL} old, and always re-read after a write through this backend; a change made
 * to Kea behind bootproxy's back shows within that time.
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
    private volatile Hooks hooks;
    private volatile Snapshot snapshot;
    /** Bumped by every write, so a read that overlapped one does not cache what it read. */
    private final AtomicLong writes = new AtomicLong();

    private record Snapshot(KeaConfig config, Instant readAt) {
    }

    private record Hooks(boolean leaseCmds, boolean hostCmds) {
    }

    private KeaBackend(KeaChannel channel, InstantSource clock, Predicate<Ipv4Network> manages) {
        this.channel = channel;
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
        h = new Hooks(commands.containsAll(List.of("lease4-get-all", "lease4-get-by-hw-address", "lease4-get")),
                commands.contains("reservation-add"));
        KeaConfig config = fresh();
        LOG.info("Kea provider on {}: {} subnet(s), lease_cmds {}, host_cmds {}", channel.describe(),
                config.subnets().size(), h.leaseCmds() ? "loaded" : "absent", h.hostCmds()
                        ? "loaded (not used: reservations are written to the configuration)" : "absent");
        if (!h.leaseCmds()) {
            LOG.warn("Kea at {} has no lease_cmds hook: leases are unavailable, lease reads answer 501 (load "
                    + "libdhcp_lease_cmds.so in Dhcp4 hooks-libraries)", channel.describe());
        }
        hooks = h;
        return h;
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
        KeaConfig.KeaSubnet s = config().subnet(subnet.network());
        return s == null ? List.of() : s.reservations();
    }

    @Override
    public Optional<Reservation> reservationByMac(Subnet subnet, MacAddress mac) throws BackendUnavailableException {
        KeaConfig.KeaSubnet s = config().subnet(subnet.network());
        return s == null ? Optional.empty() : Optional.ofNullable(s.byMac().get(mac));
    }

    @Override
    public Optional<Reservation> reservationByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        KeaConfig.KeaSubnet s = config().subnet(subnet.network());
        return reservationsByIp(subnet, ip).stream().findFirst();
    }

    @Override
    public List<Reservation> reservationsByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        KeaConfig.KeaSubnet s = config().subnet(subnet.network());
        return s == null ? List.of() : s.byIp().getOrDefault(ip, List.of());
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
            hooks();
            KeaConfig read = fresh();
            KeaConfig.KeaSubnet s = subnetOf(read, reservation);
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
            hooks();
            KeaConfig read = fresh();
            subnetOf(read, reservation);
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
