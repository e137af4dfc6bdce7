package org.bootproxy.dhcp.backend.dnsmasq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.bootproxy.dhcp.backend.AddOutcome;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.NotDeleteableException;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.backend.ReservationConflictException;
import org.bootproxy.dhcp.backend.ReservationRules;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.files.AtomicFiles;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dnsmasq} provider: a running dnsmasq (2.90) through its files.
 *
 * <h2>Files</h2>
 * Subnets are the {@code dhcp-range}s of its configuration; {@code dhcp-host} lines of the
 * configuration are reservations with {@code deleteable: false}. A reservation bootproxy creates
 * is one file {@code bootproxy-<mac>-<network>} in {@code dhcp-hostsdir} holding
 * {@code <mac>,set:<tag>,<ip>,<hostname>} (without the tag when it has no boot options), and, when
 * it has a boot file or next server, a file of
 * the same name in {@code dhcp-optsdir} holding {@code tag:<tag>,option:bootfile-name,<file>} and
 * {@code tag:<tag>,option:server-ip-address,<ip>} (siaddr; a host name goes to
 * {@code option:tftp-server}). What dnsmasq has no field for (the record name, {@code related_macs},
 * options passed through) is kept base64-encoded in comment lines of the hosts file, so a record
 * reads back equal to what was posted. Both files are written atomically (temp file, fsync,
 * rename: dnsmasq ignores dotfiles, so it never reads a half-written temp file); the options file
 * first, and removed again if the hosts file cannot be written, so a failed write leaves nothing.
 *
 * <h2>Bonded hosts</h2>
 * Reservations that share an address because their MACs name each other in {@code related_macs}
 * (Foreman's one record per NIC of a bonded host) are served by dnsmasq's multi-MAC line,
 * {@code <mac1>,<mac2>,set:<tag>,<ip>,<hostname>}: any of those MACs gets the address and the
 * tag's boot options. dnsmasq refuses a second {@code dhcp-host} line for an address any loaded
 * line has ("duplicate dhcp-host IP address", {@code option.c}), and a changed hostsdir file only
 * adds records until SIGHUP; so the line is written once, with the bond's first reservation, in
 * its file (the carrier), listing its MAC first and then its related MACs that have no
 * reservation of their own in the subnet and are on no other bootproxy line. A later reservation
 * of the bond whose MAC is on that line is a file of comment lines only (with its MAC and address)
 * and no options file; it must have the carrier's boot file and next server (one line, one tag:
 * 409 otherwise). A MAC not on the line joins by rewriting the line and SIGHUP, refused with 409
 * where dnsmasq must not be sent SIGHUP. A reservation for a MAC on another address's line is 409.
 * When two of the MACs are active at once, dnsmasq gives the address to the last to ask and drops
 * the other's lease ("abandoning lease", {@code rfc2131.c}); its man page says such a line works
 * reliably only while one of them is active at a time.
 *
 * <p>Deleting one of them writes the line without its MAC (into another member's file, with that
 * member's options file, when the deleted one carried it) and sends SIGHUP; where that is unsafe,
 * the deleted MAC's file becomes a tombstone (below; with the last member also those of the
 * related MACs on the line), the running dnsmasq keeps the old line for the other MACs and logs
 * "duplicate dhcp-host IP address" for the rewritten one, which it reads when it restarts.
 *
 * <h2>The running dnsmasq</h2>
 * dnsmasq reads new and changed files in those directories by itself (inotify), but keeps the
 * records of deleted files until SIGHUP, so a delete signals the dnsmasq of {@code pid-file}.
 * The JDK can send only SIGTERM and SIGKILL ({@link ProcessHandle#destroy}), so SIGHUP is sent by
 * running {@code kill -HUP <pid>} (bounded by {@link #SIGNAL_TIMEOUT_SECONDS}). A write when
 * that dnsmasq is not running is refused with 503 before any file is touched.
 *
 * <p><b>dnsmasq 2.86 to 2.90 crash on that SIGHUP</b> (SIGSEGV or SIGABRT; with Debian 12's 2.90
 * 20 of 20 times) once a host whose {@code dhcp-hostsdir} line carries a {@code set:} tag has been
 * served since the files were loaded. Serving a host links its tags in front of the reply's tag
 * list ({@code rfc2131.c}: {@code list->list->next = netid}), whose tail is on the stack
 * ({@code known_id}, {@code iface_id}); those links are never reset. SIGHUP runs
 * {@code reread_dhcp} → {@code clear_dynamic_conf} → {@code dhcp_config_free} →
 * {@code dhcp_netid_list_free}, which frees the whole chain ({@code dhcp_netid_free} follows
 * {@code ->next}) and so calls {@code free()} on stack memory (fixed upstream after 2.90, commit
 * f006be7). No reply state avoids it: the tail is there after every reply to a known host. Nor can
 * per-host boot options do without the tag: dhcp-optsdir lines select by tag only, and no tag
 * names a MAC except {@code dhcp-mac}/{@code set:} lines of the main configuration. Every reload
 * (SIGHUP, D-Bus {@code ClearCache}) goes through {@code reread_dhcp}.
 *
 * <p>So with such a dnsmasq, bootproxy sends SIGHUP only while no tagged line can be loaded in it
 * (none in the directory since that dnsmasq started or was last signalled). Otherwise a delete
 * replaces the hosts file by a line with only the MAC (a tombstone, {@code # bootproxy-deleted
 * pid=<pid>}): dnsmasq searches its newest host records first, so that MAC at once gets neither
 * the address nor the boot options (it gets a pool address, still tagged {@code known}). The old
 * record stays loaded and keeps the address reserved until dnsmasq restarts: dnsmasq NAKs it to
 * any other MAC ("address reserved") and refuses a new {@code dhcp-host} line for it ("duplicate
 * dhcp-host IP address"); it drops a loaded record's address only where the address came from
 * /etc/hosts ({@code dhcp_update_configs}, with DNS enabled), never a literal one. So a create for
 * that address is refused with 503 saying so, and a WARN at the delete says it. The held addresses are listed in {@value #HELD_FILE} of the hosts directory (a
 * dotfile: dnsmasq never reads it); when dnsmasq runs with another PID, they and the tombstones
 * are removed. Other versions are signalled always.
 *
 * <h2>Injection</h2>
 * dnsmasq splits these lines at commas, strips {@code #} comments, takes quotes as quoting and reads
 * at most 1024 bytes per line: a host name must be a DNS name, a file name or next server may not
 * contain {@code , " ' # \}, white space or control characters (400 naming the value), and
 * the comment lines are base64 in chunks far below that length, so no value can become another
 * option or another host.
 *
 * <h2>Staleness</h2>
 * Reservations are indexed in memory; the index is rebuilt when the hosts directory's
 * modification time differs from the one after bootproxy's last write (a file added or removed
 * behind bootproxy's back shows at the next read). The configuration ({@code dhcp-range},
 * static hosts) is read at start. Leases are re-read from the lease file when it changed.
 *
 * <p>Thread-safe: writes are serialized; reads use the index without locking.
 */
public final class DnsmasqBackend implements DhcpBackend {

    private static final Logger LOG = LoggerFactory.getLogger(DnsmasqBackend.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String FILE_PREFIX = "bootproxy-";
    private static final String META = "# bootproxy-meta ";
    /** First line of a hosts file that stands in for a reservation deleted while dnsmasq cannot be sent SIGHUP. */
    static final String TOMBSTONE = "# bootproxy-deleted pid=";
    /** Addresses a running dnsmasq still holds for deleted reservations; a dotfile, which dnsmasq never reads. */
    static final String HELD_FILE = ".bootproxy-held";
    private static final int META_CHUNK = 160;
    static final int SIGNAL_TIMEOUT_SECONDS = 10;
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)" + LABEL + "(\\." + LABEL + ")*\\.?");
    private static final Pattern SAFE_VALUE = Pattern.compile("[^,\"'#\\\\\\s\\p{Cntrl}]{1,255}");

    private final DnsmasqConfig config;
    private final Path hostsdir;
    private final Path optsdir;
    private final Path pidFile;
    private final DnsmasqLeases leases;
    private final InstantSource clock;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Index index;
    /** What is known about the running dnsmasq; guarded by the write lock. */
    private Daemon daemon;

    /**
     * One dnsmasq process.
     *
     * @param crashesOnHangup its version has the SIGHUP bug (see the class comment)
     * @param tagged whether a tagged hosts line may be loaded in it
     */
    private record Daemon(long pid, String version, boolean crashesOnHangup, boolean tagged) {
    }

    /** {@code ip} stays reserved for {@code mac} in dnsmasq {@code pid} (a deleted reservation) until it restarts. */
    private record Held(long pid, Ipv4Address ip, MacAddress mac) {
        String line() {
            return pid + " " + ip + " " + mac + "\n";
        }
    }

    /**
     * The reservations bootproxy can see, and the hosts directory's mtime they were read at;
     * {@code lineMacs}: every MAC on a dhcp-host line of bootproxy's files, with the line's address.
     */
    private record Index(FileTime hostsdirTime, Map<Ipv4Network, List<Reservation>> bySubnet,
                         Map<Ipv4Network, Map<MacAddress, Ipv4Address>> lineMacs) {
    }

    /** What one hosts file holds: its reservations and the MACs of bootproxy's dhcp-host line in it. */
    private record HostsFile(List<Reservation> reservations, List<Reservation> line) {
    }

    private DnsmasqBackend(DnsmasqConfig config, Path hostsdir, Path optsdir, Path leases, Path pidFile,
                           InstantSource clock) {
        this.config = config;
        this.hostsdir = hostsdir;
        this.optsdir = optsdir;
        this.pidFile = pidFile;
        this.leases = new DnsmasqLeases(leases);
        this.clock = clock;
    }

    /**
     * Reads dnsmasq's configuration and the hosts directory.
     *
     * @param manages which subnets bootproxy shows ({@code plugins.dhcp.subnets} as a filter)
     * @throws IOException when the configuration cannot be read
     * @throws IllegalArgumentException when there is no hosts or options directory, naming the setting
     */
    public static DnsmasqBackend open(DnsmasqSettings settings, InstantSource clock, Predicate<Ipv4Network> manages)
            throws IOException {
        if (settings.getConfig() == null) {
            throw new IllegalArgumentException("plugins.dhcp.dnsmasq.config must name dnsmasq's configuration file");
        }
        DnsmasqConfig c = DnsmasqConfig.read(settings.getConfig(), manages);
        Path hostsdir = settings.getHostsdir() != null ? settings.getHostsdir() : c.hostsdir();
        Path optsdir = settings.getOptsdir() != null ? settings.getOptsdir() : c.optsdir();
        if (hostsdir == null || optsdir == null) {
            throw new IllegalArgumentException(settings.getConfig() + " has no dhcp-" + (hostsdir == null ? "hostsdir"
                    : "optsdir") + "=<dir> (bootproxy writes reservations there; or set plugins.dhcp.dnsmasq."
                    + (hostsdir == null ? "hostsdir" : "optsdir") + ")");
        }
        for (Path d : List.of(hostsdir, optsdir)) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException("dnsmasq directory " + d + " does not exist");
            }
        }
        Path leases = settings.getLeases() != null ? settings.getLeases() : c.leaseFile();
        Path pid = settings.getPidFile() != null ? settings.getPidFile() : c.pidFile();
        DnsmasqBackend b = new DnsmasqBackend(c, hostsdir, optsdir, leases, pid, clock);
        try {
            b.index = b.scan();
        } catch (BackendUnavailableException e) {
            throw new IOException(e.getMessage(), e);
        }
        LOG.info("dnsmasq provider: {} subnet(s) from {}, {} static host(s), hostsdir {}, optsdir {}, leases {},"
                + " pid-file {}", c.subnets().size(), settings.getConfig(), c.staticHosts().size(), hostsdir, optsdir,
                leases, pid);
        return b;
    }

    @Override
    public String provider() {
        return "dnsmasq";
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<Subnet> subnets() {
        return config.subnets();
    }

    @Override
    public List<Reservation> reservations(Subnet subnet) throws BackendUnavailableException {
        return index().bySubnet().getOrDefault(subnet.network(), List.of());
    }

    @Override
    public Optional<Reservation> reservationByMac(Subnet subnet, MacAddress mac) throws BackendUnavailableException {
        return reservations(subnet).stream().filter(r -> r.mac().equals(mac)).findFirst();
    }

    @Override
    public Optional<Reservation> reservationByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        return reservationsByIp(subnet, ip).stream().findFirst();
    }

    @Override
    public List<Reservation> reservationsByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        return reservations(subnet).stream().filter(r -> r.ip().equals(ip))
                .sorted(Comparator.comparing(r -> r.mac().toString())).toList();
    }

    @Override
    public List<Lease> activeLeases(Subnet subnet) throws BackendUnavailableException {
        try {
            List<Lease> out = new ArrayList<>(leases.active(subnet, clock.instant()));
            out.sort(Comparator.comparing(Lease::ip));
            return out;
        } catch (IOException e) {
            throw new BackendUnavailableException("dnsmasq lease file " + leases.file() + " cannot be read: " + e, e);
        }
    }

    @Override
    public Optional<Lease> activeLeaseByMac(Subnet subnet, MacAddress mac) throws BackendUnavailableException {
        return activeLeases(subnet).stream().filter(l -> l.mac().equals(mac)).max(Comparator.comparing(Lease::ends));
    }

    @Override
    public Optional<Lease> activeLeaseByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
        return activeLeases(subnet).stream().filter(l -> l.ip().equals(ip)).findFirst();
    }

    // ------------------------------------------------------------------ writes

    @Override
    public AddOutcome addReservation(Reservation r)
            throws ReservationConflictException, RecordRejectedException, BackendUnavailableException {
        String hostsText = hostsFile(r);
        String optsText = optsFile(r);
        writeLock.lock();
        try {
            Subnet subnet = subnet(r.subnet());
            List<Reservation> existing = reservations(subnet);
            Optional<AddOutcome> same = ReservationRules.check(r, existing);
            if (same.isPresent()) {
                return same.get();
            }
            Ipv4Address onLine = index().lineMacs().getOrDefault(r.subnet(), Map.of()).get(r.mac());
            Optional<Reservation> lineOwner = existing.stream()
                    .filter(e -> onLine != null && !onLine.equals(r.ip()) && e.ip().equals(onLine)).findFirst();
            if (lineOwner.isPresent()) {
                Reservation carrier = lineOwner.get();
                throw new ReservationConflictException(r.mac() + " is on the dnsmasq dhcp-host line of the bonded host"
                        + " at " + onLine + " (related_macs of " + carrier.mac() + "); delete that reservation first",
                        carrier);
            }
            long pid = runningPid();
            daemon(pid);
            List<Reservation> bond = existing.stream().filter(e -> e.ip().equals(r.ip()) && e.deleteable()).toList();
            List<Held> held = held().stream().filter(h -> h.pid() == pid && h.ip().equals(r.ip())).toList();
            if (!bond.isEmpty()) {
                return joinBond(r, pid, bond, held);
            }
            if (!held.isEmpty()) {
                // dnsmasq refuses a second dhcp-host line for an address it holds ("duplicate dhcp-host IP address")
                throw heldException(pid, r, held.get(0));
            }
            List<MacAddress> line = new ArrayList<>(List.of(r.mac()));
            line.addAll(anticipated(r, existing));
            if (line.size() > 1) {
                hostsText = hostsFile(r, line);
            }
            Path hosts = hostsdir.resolve(fileName(r));
            Path opts = optsdir.resolve(fileName(r));
            try {
                if (optsText != null) {
                    AtomicFiles.write(opts, optsText.getBytes(StandardCharsets.UTF_8));
                }
                AtomicFiles.write(hosts, hostsText.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                removeQuietly(opts);
                removeQuietly(hosts);
                throw new BackendUnavailableException("Cannot write the dnsmasq reservation " + hosts + ": " + e
                        + "; nothing was written", e);
            }
            LOG.debug("dnsmasq {} reads {} by itself", pid, hosts);
            if (optsText != null) {
                daemon = withTagged(daemon(pid), true);
            }
            if (line.size() > 1) {
                LOG.info("dnsmasq reservation {} {} also serves its related MACs {} (one dhcp-host line)", r.mac(),
                        r.ip(), line.subList(1, line.size()));
                index = scan();
            } else {
                updateIndex(r, true);
            }
            return AddOutcome.CREATED;
        } finally {
            writeLock.unlock();
        }
    }

    private BackendUnavailableException heldException(long pid, Reservation r, Held held) {
        return new BackendUnavailableException("dnsmasq (PID " + pid + ") still holds " + r.ip() + " for the"
                + " deleted reservation of " + held.mac() + " until it restarts (dnsmasq " + daemon.version()
                + " would crash on SIGHUP); restart dnsmasq, then retry; nothing was written", null);
    }

    /**
     * The related MACs of the first reservation of a bonded host that go on its dhcp-host line:
     * those with no reservation of their own in the subnet and on no other bootproxy line.
     */
    private List<MacAddress> anticipated(Reservation r, List<Reservation> existing) throws BackendUnavailableException {
        Map<MacAddress, Ipv4Address> onLines = index().lineMacs().getOrDefault(r.subnet(), Map.of());
        List<MacAddress> out = new ArrayList<>();
        for (String text : r.relatedMacs()) {
            if (!MacAddress.isValid(text)) {
                continue;
            }
            MacAddress m = MacAddress.parse(text);
            if (!m.equals(r.mac()) && !out.contains(m) && !onLines.containsKey(m)
                    && existing.stream().noneMatch(e -> e.mac().equals(m))) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * Adds {@code r} to the bonded host already reserved at its address ({@code bond}, each of
     * which names {@code r} in {@code related_macs}, as {@link ReservationRules} checked): dnsmasq
     * serves them all from the one dhcp-host line of the bond's carrier file. When that line already
     * lists {@code r}'s MAC, {@code r}'s file holds only its comment lines; otherwise the line is
     * rewritten and dnsmasq sent SIGHUP, which a dnsmasq that would crash on it cannot be (409).
     */
    private AddOutcome joinBond(Reservation r, long pid, List<Reservation> bond, List<Held> held)
            throws ReservationConflictException, RecordRejectedException, BackendUnavailableException {
        Bond b = bond(bond);
        if (!Objects.equals(r.filename(), b.carrier().filename())
                || !Objects.equals(r.nextServer(), b.carrier().nextServer())) {
            throw new ReservationConflictException("dnsmasq serves the NICs of a bonded host from one dhcp-host line:"
                    + " " + r.mac() + " needs the filename and nextServer of " + b.carrier().mac() + " ("
                    + b.carrier().filename() + ", " + b.carrier().nextServer() + ") to share " + r.ip(), b.carrier());
        }
        Optional<Held> mine = held.stream().filter(h -> h.mac().equals(r.mac())).findFirst();
        if (mine.isPresent()) {
            throw heldException(pid, r, mine.get()); // its tombstone is dnsmasq's newest record for the MAC
        }
        Map<Path, String> plan = new LinkedHashMap<>();
        plan.put(hostsdir.resolve(fileName(r)), memberFile(r, b.carrier()));
        boolean reload = !b.line().contains(r.mac());
        if (reload) {
            Daemon d = daemon(pid);
            if (d.crashesOnHangup() && d.tagged()) {
                throw new ReservationConflictException("dnsmasq (PID " + pid + ") already serves " + r.ip()
                        + " from a dhcp-host line without " + r.mac() + " and refuses a second line for it; adding"
                        + " the MAC needs a SIGHUP, on which dnsmasq " + d.version() + " would crash. Name " + r.mac()
                        + " in related_macs of the bond's first reservation (" + b.carrier().mac() + ") when creating"
                        + " it; nothing was written", b.carrier());
            }
            List<MacAddress> line = new ArrayList<>(b.line());
            line.add(r.mac());
            plan.put(hostsdir.resolve(fileName(b.carrier())), hostsFile(b.carrier(), line));
        }
        apply(plan);
        if (reload) {
            signalHangup(pid);
            daemon = withTagged(daemon(pid), anyTaggedFile());
        }
        LOG.info("dnsmasq reservation {} {} joins the bonded host of {}{}", r.mac(), r.ip(), b.carrier().mac(),
                reload ? " (dnsmasq sent SIGHUP)" : "");
        index = scan();
        return AddOutcome.CREATED;
    }

    /** The reservations of one bonded host, the one whose hosts file has the dhcp-host line, and that line's MACs. */
    private record Bond(List<Reservation> members, Reservation carrier, List<MacAddress> line) {
    }

    private Bond bond(List<Reservation> members) throws BackendUnavailableException {
        for (Reservation m : members) {
            Path p = hostsdir.resolve(fileName(m));
            List<String> lines;
            try {
                lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new BackendUnavailableException("dnsmasq hosts file " + p + " cannot be read: " + e, e);
            }
            for (String l : lines) {
                if (!l.isBlank() && !l.strip().startsWith("#")) {
                    List<MacAddress> macs = new ArrayList<>();
                    for (String t : l.strip().split(",")) {
                        if (MacAddress.isValid(t.strip())) {
                            macs.add(MacAddress.parse(t.strip()));
                        }
                    }
                    if (!macs.isEmpty()) {
                        return new Bond(members, m, List.copyOf(macs));
                    }
                }
            }
        }
        Reservation first = members.get(0);
        return new Bond(members, first, List.of(first.mac()));
    }

    /**
     * Writes ({@code null}: deletes) several files, each atomically, in order; when one fails, the
     * ones written before are put back as they were, so a failed write leaves what was there.
     */
    private void apply(Map<Path, String> plan) throws BackendUnavailableException {
        Map<Path, byte[]> before = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, String> e : plan.entrySet()) {
                Path p = e.getKey();
                before.put(p, Files.exists(p) ? Files.readAllBytes(p) : null);
                if (e.getValue() == null) {
                    AtomicFiles.delete(p);
                } else {
                    AtomicFiles.write(p, e.getValue().getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            List<Path> done = new ArrayList<>(before.keySet());
            Collections.reverse(done);
            for (Path p : done) {
                try {
                    if (before.get(p) == null) {
                        AtomicFiles.delete(p);
                    } else {
                        AtomicFiles.write(p, before.get(p));
                    }
                } catch (IOException again) {
                    LOG.warn("Cannot put back {} after a failed write: {}", p, again.toString());
                }
            }
            throw new BackendUnavailableException("Cannot write the dnsmasq reservation files " + plan.keySet() + ": "
                    + e + "; nothing was changed", e);
        }
    }

    @Override
    public boolean deleteReservation(Reservation r) throws NotDeleteableException, BackendUnavailableException {
        writeLock.lock();
        try {
            Optional<Reservation> existing = reservations(subnet(r.subnet())).stream()
                    .filter(e -> e.mac().equals(r.mac()) && e.ip().equals(r.ip())).findFirst();
            if (existing.isEmpty()) {
                return false;
            }
            if (!existing.get().deleteable()) {
                throw new NotDeleteableException("Record " + r.subnet().address() + "/" + r.ip() + " (" + r.mac()
                        + ") is a dhcp-host line of dnsmasq's configuration and cannot be deleted");
            }
            long pid = runningPid();
            Daemon d = daemon(pid);
            List<Reservation> bond = reservations(subnet(r.subnet())).stream()
                    .filter(e -> e.ip().equals(r.ip()) && e.deleteable()).toList();
            Bond b = bond(bond);
            if (bond.size() > 1 || b.line().size() > 1) {
                leaveBond(d, existing.get(), b);
                return true;
            }
            Path hosts = hostsdir.resolve(fileName(r));
            Path opts = optsdir.resolve(fileName(r));
            if (d.crashesOnHangup() && d.tagged()) {
                tombstone(d, existing.get(), hosts, opts);
            } else {
                try {
                    AtomicFiles.delete(hosts);
                    AtomicFiles.delete(opts);
                } catch (IOException e) {
                    throw new BackendUnavailableException("Cannot delete the dnsmasq reservation " + hosts + ": " + e,
                            e);
                }
                updateIndex(existing.get(), false);
                // dnsmasq keeps the records of deleted files until SIGHUP
                signalHangup(pid);
                // after the re-read only what is in the directory is loaded
                daemon = withTagged(d, anyTaggedFile());
            }
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /** Puts into {@code plan} the bond's line without {@code r}, in the file of the member that carries it now. */
    private void carry(Map<Path, String> plan, Bond b, Reservation r, List<Reservation> rest, List<MacAddress> line)
            throws BackendUnavailableException {
        Reservation carrier = b.carrier().mac().equals(r.mac()) ? rest.get(0) : b.carrier();
        line.remove(carrier.mac());
        line.add(0, carrier.mac());
        try {
            if (!carrier.mac().equals(b.carrier().mac())) {
                String opts = optsFile(carrier);
                if (opts != null) {
                    plan.put(optsdir.resolve(fileName(carrier)), opts);
                }
            }
            plan.put(hostsdir.resolve(fileName(carrier)), hostsFile(carrier, line));
        } catch (RecordRejectedException e) {
            throw new BackendUnavailableException("The stored dnsmasq reservation of " + carrier.mac() + " cannot be"
                    + " rewritten: " + e.getMessage() + "; nothing was changed", e);
        }
    }

    /**
     * Deletes {@code r}, a reservation of a bonded host (or one whose line also lists related MACs),
     * keeping the others: the bond's line is written without {@code r}'s MAC (into the file of
     * another member when {@code r}'s file carried it, with that member's options file), and
     * dnsmasq is sent SIGHUP. Where it must not be, {@code r}'s hosts file becomes a tombstone (and
     * so do those of related MACs the line listed, when no member is left): dnsmasq keeps the old
     * line loaded, so the other MACs keep address and boot file, while the tombstone, its newest
     * record for the MAC, stops it serving {@code r}; it refuses the rewritten line ("duplicate
     * dhcp-host IP address") until it restarts and then reads only that.
     */
    private void leaveBond(Daemon d, Reservation r, Bond b) throws BackendUnavailableException {
        List<Reservation> rest = b.members().stream().filter(m -> !m.mac().equals(r.mac())).toList();
        List<MacAddress> line = new ArrayList<>(b.line());
        line.remove(r.mac());
        boolean crash = d.crashesOnHangup() && d.tagged();
        Map<Path, String> plan = new LinkedHashMap<>();
        List<Held> heldBefore = held();
        List<Held> held = new ArrayList<>(heldBefore);
        List<MacAddress> stopped = new ArrayList<>();
        stopped.add(r.mac());
        if (rest.isEmpty() && crash) {
            stopped.addAll(line);
        }
        for (MacAddress m : stopped) {
            String name = fileName(m, r.subnet());
            plan.put(hostsdir.resolve(name), crash ? tombstoneText(d, m, r.ip()) : null);
            if (m.equals(r.mac())) {
                plan.put(optsdir.resolve(name), null);
            }
            if (crash) {
                held.add(new Held(d.pid(), r.ip(), m));
            }
        }
        if (!rest.isEmpty()) {
            carry(plan, b, r, rest, line);
        }
        if (crash) {
            try {
                writeHeld(held);
            } catch (IOException e) {
                throw new BackendUnavailableException("Cannot delete the dnsmasq reservation " + fileName(r) + ": "
                        + e, e);
            }
        }
        try {
            apply(plan);
        } catch (BackendUnavailableException e) {
            if (crash) {
                try {
                    writeHeld(heldBefore);
                } catch (IOException again) {
                    LOG.warn("Cannot put back {} after a failed delete: {}", HELD_FILE, again.toString());
                }
            }
            throw e;
        }
        index = scan();
        if (crash) {
            LOG.warn("dnsmasq {} (PID {}) is not sent SIGHUP: it would crash (dnsmasq 2.86-2.90 bug with set: tags in"
                    + " dhcp-hostsdir); {} no longer gets {} nor its boot options, the other MACs of the bonded host keep"
                    + " it, and dnsmasq reads their rewritten line only when it restarts (it logs 'duplicate dhcp-host IP"
                    + " address' for it until then)", d.version(), d.pid(), stopped, r.ip());
        } else {
            signalHangup(d.pid());
            daemon = withTagged(d, anyTaggedFile());
        }
    }

    /**
     * Deletes {@code r} from a dnsmasq that must not be sent SIGHUP: its hosts file becomes a line
     * with only the MAC. dnsmasq reads it by inotify and, as it searches its newest host records
     * first, no longer gives that MAC the address nor the tag of the boot options. The old record
     * stays loaded and keeps the address reserved until dnsmasq restarts, which {@link #HELD_FILE}
     * remembers.
     */
    private void tombstone(Daemon d, Reservation r, Path hosts, Path opts) throws BackendUnavailableException {
        String text = tombstoneText(d, r.mac(), r.ip());
        List<Held> held = new ArrayList<>(held());
        held.add(new Held(d.pid(), r.ip(), r.mac()));
        try {
            writeHeld(held);
            AtomicFiles.write(hosts, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BackendUnavailableException("Cannot delete the dnsmasq reservation " + hosts + ": " + e, e);
        }
        removeQuietly(opts); // its options stay loaded too, but no host record sets their tag any more
        updateIndex(r, false);
        LOG.warn("dnsmasq {} (PID {}) is not sent SIGHUP: it would crash (dnsmasq 2.86-2.90 bug with set: tags in"
                + " dhcp-hostsdir); {} no longer gets {} nor its boot options, but {} stays reserved until dnsmasq"
                + " restarts", d.version(), d.pid(), r.mac(), r.ip(), r.ip());
    }

    private static String tombstoneText(Daemon d, MacAddress mac, Ipv4Address ip) {
        return TOMBSTONE + d.pid() + " ip=" + ip + "\n# dnsmasq " + d.pid() + " keeps the deleted reservation until it"
                + " restarts; this line stops it serving " + mac + " meanwhile\n" + mac + "\n";
    }

    /** What {@link #HELD_FILE} lists; unreadable lines are skipped. */
    private List<Held> held() throws BackendUnavailableException {
        List<String> lines;
        try {
            lines = Files.readAllLines(hostsdir.resolve(HELD_FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new BackendUnavailableException("Cannot read " + hostsdir.resolve(HELD_FILE) + ": " + e, e);
        }
        List<Held> out = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.strip().split(" ");
            if (f.length == 3 && f[0].matches("\\d{1,18}") && Ipv4Address.isValid(f[1]) && MacAddress.isValid(f[2])) {
                out.add(new Held(Long.parseLong(f[0]), Ipv4Address.parse(f[1]), MacAddress.parse(f[2])));
            }
        }
        return out;
    }

    private void writeHeld(List<Held> held) throws IOException {
        Path f = hostsdir.resolve(HELD_FILE);
        if (held.isEmpty()) {
            AtomicFiles.delete(f);
            return;
        }
        StringBuilder b = new StringBuilder();
        held.forEach(h -> b.append(h.line()));
        AtomicFiles.write(f, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * After dnsmasq restarted (a PID other than {@code pid} wrote the tombstones), the deleted
     * records are gone from it: the tombstone files and held addresses of other PIDs are removed.
     */
    private void forgetOtherDaemons(long pid) {
        try {
            List<Held> held = held();
            if (held.stream().anyMatch(h -> h.pid() != pid)) {
                writeHeld(held.stream().filter(h -> h.pid() == pid).toList());
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(hostsdir, FILE_PREFIX + "*")) {
                for (Path p : ds) {
                    String text = Files.readString(p, StandardCharsets.UTF_8);
                    if (text.startsWith(TOMBSTONE) && !text.startsWith(TOMBSTONE + pid + " ")) {
                        AtomicFiles.delete(p);
                    }
                }
            }
        } catch (IOException | BackendUnavailableException | RuntimeException e) {
            LOG.warn("Cannot remove what an earlier dnsmasq held from {}: {}", hostsdir, e.toString());
        }
    }

    private Subnet subnet(Ipv4Network network) throws BackendUnavailableException {
        return config.subnets().stream().filter(s -> s.network().equals(network)).findFirst()
                .orElseThrow(() -> new BackendUnavailableException("Subnet " + network
                        + " is not a dhcp-range of dnsmasq's configuration", null));
    }

    /** {@code bootproxy-<mac hex>-<network>}: no character dnsmasq or a shell treats specially. */
    static String fileName(Reservation r) {
        return fileName(r.mac(), r.subnet());
    }

    private static String fileName(MacAddress mac, Ipv4Network subnet) {
        return FILE_PREFIX + mac.hexLower() + "-" + subnet.address();
    }

    private static String tag(Reservation r) {
        return "bp-" + r.mac().hexLower() + "-" + r.subnet().address();
    }

    /** The hosts file of {@code r}; refuses a value dnsmasq would read as something else. */
    static String hostsFile(Reservation r) throws RecordRejectedException {
        return hostsFile(r, List.of(r.mac()));
    }

    /**
     * The hosts file of {@code r} whose dhcp-host line lists {@code line} ({@code r}'s MAC first):
     * dnsmasq gives {@code r}'s address and tag to any of them (its multi-MAC {@code dhcp-host}).
     */
    static String hostsFile(Reservation r, List<MacAddress> line) throws RecordRejectedException {
        if (!line.get(0).equals(r.mac())) {
            throw new IllegalArgumentException("the line of " + r.mac() + " must list it first: " + line);
        }
        StringBuilder b = meta(r, false);
        for (int i = 0; i < line.size(); i++) {
            b.append(i == 0 ? "" : ",").append(line.get(i));
        }
        if (r.filename() != null || r.nextServer() != null) {
            // the tag only where options need it: dnsmasq 2.86-2.90 crash on SIGHUP after serving a tagged host
            b.append(",set:").append(tag(r));
        }
        b.append(',').append(r.ip()).append(',').append(r.hostname()).append('\n');
        return b.toString();
    }

    /**
     * The hosts file of {@code r}, a further NIC of the bonded host whose dhcp-host line is in the
     * file of {@code carrier}: only comment lines, with {@code r}'s MAC and address among them.
     */
    static String memberFile(Reservation r, Reservation carrier) throws RecordRejectedException {
        return meta(r, true).append("# dnsmasq serves ").append(r.mac()).append(" from the dhcp-host line of ")
                .append(fileName(carrier)).append('\n').toString();
    }

    /** The comment lines that keep what dnsmasq has no field for, so {@code r} reads back as posted. */
    private static StringBuilder meta(Reservation r, boolean withAddress) throws RecordRejectedException {
        if (!DNS_NAME.matcher(r.hostname()).matches()) {
            throw new RecordRejectedException("dnsmasq takes only a DNS name as hostname: " + r.hostname());
        }
        ObjectNode meta = JSON.createObjectNode();
        meta.put("name", r.name());
        meta.put("hostname", r.hostname());
        if (withAddress) {
            meta.put("mac", r.mac().toString());
            meta.put("ip", r.ip().toString());
        }
        if (r.filename() != null) {
            meta.put("filename", r.filename());
        }
        if (r.nextServer() != null) {
            meta.put("nextServer", r.nextServer());
        }
        r.relatedMacs().forEach(meta.putArray("related_macs")::add);
        ObjectNode options = meta.putObject("options");
        r.options().forEach(options::put);
        String encoded = Base64.getEncoder().encodeToString(meta.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder b = new StringBuilder("# written by bootproxy; dnsmasq reads only the last line\n");
        for (int i = 0; i < encoded.length(); i += META_CHUNK) {
            b.append(META).append(encoded, i, Math.min(encoded.length(), i + META_CHUNK)).append('\n');
        }
        return b;
    }

    /** The options file of {@code r}, or null when it has no boot file and no next server. */
    static String optsFile(Reservation r) throws RecordRejectedException {
        if (r.filename() == null && r.nextServer() == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        if (r.filename() != null) {
            b.append("tag:").append(tag(r)).append(",option:bootfile-name,").append(safe(r.filename(), "filename"))
                    .append('\n');
        }
        if (r.nextServer() != null) {
            String ns = safe(r.nextServer(), "nextServer");
            if (Ipv4Address.isValid(ns)) {
                b.append("tag:").append(tag(r)).append(",option:server-ip-address,").append(ns).append('\n');
            } else if (DNS_NAME.matcher(ns).matches()) {
                b.append("tag:").append(tag(r)).append(",option:tftp-server,").append(ns).append('\n');
            } else {
                throw new RecordRejectedException("nextServer must be an IPv4 address or a host name: " + ns);
            }
        }
        return b.toString();
    }

    private static String safe(String value, String what) throws RecordRejectedException {
        if (!SAFE_VALUE.matcher(value).matches()) {
            throw new RecordRejectedException("dnsmasq cannot take this " + what + " (no , \" ' # \\, white space or"
                    + " control characters; at most 255 characters): " + value.replaceAll("\\p{Cntrl}", "?"));
        }
        return value;
    }

    // ------------------------------------------------------------------ the running dnsmasq

    /** The PID of the running dnsmasq of {@code pid-file}. */
    private long runningPid() throws BackendUnavailableException {
        String text;
        try {
            text = Files.readString(pidFile).strip();
        } catch (NoSuchFileException e) {
            throw new BackendUnavailableException("dnsmasq is not running: no PID file " + pidFile + "; nothing was"
                    + " written", e);
        } catch (IOException e) {
            throw new BackendUnavailableException("dnsmasq PID file " + pidFile + " cannot be read: " + e, e);
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BackendUnavailableException("dnsmasq PID file " + pidFile + " holds no PID: " + text, e);
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        // a stale PID file whose number now belongs to another program must not get our signal
        boolean isDnsmasq = p.flatMap(h -> h.info().command()).map(c -> c.endsWith("dnsmasq")).orElse(p.isPresent());
        if (p.isEmpty() || !isDnsmasq) {
            throw new BackendUnavailableException("dnsmasq is not running (PID " + pid + " of " + pidFile
                    + "); nothing was written", null);
        }
        return pid;
    }

    /** What is known about dnsmasq {@code pid}, found out once per process. */
    private Daemon daemon(long pid) {
        Daemon d = daemon;
        if (d != null && d.pid() == pid) {
            return d;
        }
        String version = version(pid);
        boolean affected = true;
        java.util.regex.Matcher m = Pattern.compile("(\\d+)\\.(\\d+)").matcher(version);
        if (m.find()) {
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            affected = major == 2 && minor >= 86 && minor <= 90;
        }
        forgetOtherDaemons(pid);
        // a dnsmasq started after our last look may have loaded any tagged file of the directory
        d = new Daemon(pid, version, affected, anyTaggedFile());
        daemon = d;
        LOG.info("dnsmasq PID {} is version {}{}", pid, version, affected ? " (deletes are sent SIGHUP only while no"
                + " tagged dhcp-hostsdir line is loaded: it crashes on SIGHUP otherwise; a delete then only stops it"
                + " serving the MAC)" : "");
        return d;
    }

    private static Daemon withTagged(Daemon d, boolean tagged) {
        return new Daemon(d.pid(), d.version(), d.crashesOnHangup(), tagged);
    }

    /** Whether a hosts file of the directory carries a {@code set:} tag (bootproxy's have one exactly when they have boot options). */
    private boolean anyTaggedFile() {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(hostsdir)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)
                        && Files.readString(p, StandardCharsets.UTF_8).contains(",set:")) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return true; // when in doubt, do not risk the crash
        }
    }

    /** {@code <dnsmasq> --version} of the running binary; "unknown" when it cannot be run. */
    private static String version(long pid) {
        Path exe = Path.of("/proc", Long.toString(pid), "exe");
        try {
            Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
            if (!p.waitFor(SIGNAL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher m = Pattern.compile("version (\\S+)").matcher(out);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private void signalHangup(long pid) throws BackendUnavailableException {
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(SIGNAL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new BackendUnavailableException("kill -HUP " + pid + " did not finish; the reservation files"
                        + " are deleted, dnsmasq keeps them until its next SIGHUP or restart", null);
            }
            if (kill.exitValue() != 0) {
                throw new BackendUnavailableException("kill -HUP " + pid + " failed: " + new String(
                        kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip() + "; the reservation"
                        + " files are deleted, dnsmasq keeps them until its next SIGHUP or restart", null);
            }
        } catch (IOException e) {
            throw new BackendUnavailableException("Cannot signal dnsmasq " + pid + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("Interrupted while signalling dnsmasq " + pid, e);
        }
    }

    private static void removeQuietly(Path p) {
        try {
            AtomicFiles.delete(p);
        } catch (IOException e) {
            LOG.warn("Cannot remove {} after a failed write: {}", p, e.toString());
        }
    }

    // ------------------------------------------------------------------ index

    private Index index() throws BackendUnavailableException {
        Index i = index;
        FileTime now = hostsdirTime();
        if (i != null && i.hostsdirTime().equals(now)) {
            return i;
        }
        writeLock.lock(); // a rescan must not interleave with a write's index update
        try {
            i = index;
            if (i == null || !i.hostsdirTime().equals(hostsdirTime())) {
                i = scan();
                index = i;
            }
            return i;
        } finally {
            writeLock.unlock();
        }
    }

    private FileTime hostsdirTime() throws BackendUnavailableException {
        try {
            return Files.getLastModifiedTime(hostsdir);
        } catch (IOException e) {
            throw new BackendUnavailableException("dnsmasq hosts directory " + hostsdir + " cannot be read: " + e, e);
        }
    }

    private Index scan() throws BackendUnavailableException {
        FileTime time = hostsdirTime();
        List<Reservation> all = new ArrayList<>(config.staticHosts());
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(hostsdir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && !n.endsWith("~") && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new BackendUnavailableException("dnsmasq hosts directory " + hostsdir + " cannot be read: " + e, e);
        }
        Map<Ipv4Network, Map<MacAddress, Ipv4Address>> lineMacs = new HashMap<>();
        for (Path p : files) {
            try {
                HostsFile f = readHostsFile(p, Files.readAllLines(p, StandardCharsets.UTF_8));
                all.addAll(f.reservations());
                f.line().forEach(l -> lineMacs.computeIfAbsent(l.subnet(), k -> new HashMap<>()).put(l.mac(), l.ip()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("dnsmasq hosts file {} skipped: {}", p, e.toString());
            }
        }
        Map<Ipv4Network, List<Reservation>> bySubnet = new HashMap<>();
        for (Reservation r : all) {
            bySubnet.computeIfAbsent(r.subnet(), k -> new ArrayList<>()).add(r);
        }
        bySubnet.replaceAll((k, v) -> sorted(v));
        lineMacs.replaceAll((k, v) -> Map.copyOf(v));
        return new Index(time, Map.copyOf(bySubnet), Map.copyOf(lineMacs));
    }

    private static final Comparator<Reservation> ORDER = Comparator.comparing(Reservation::ip)
            .thenComparing(r -> r.mac().toString());

    private static List<Reservation> sorted(List<Reservation> v) {
        List<Reservation> s = new ArrayList<>(v);
        s.sort(ORDER);
        return List.copyOf(s);
    }

    /**
     * A hosts file: bootproxy's own (with its comment lines) is deleteable, anyone else's is not.
     * Of bootproxy's line, the first MAC is the file's reservation; the others are the NICs of its
     * bonded host, whose own files have only comment lines (with MAC and address).
     */
    private HostsFile readHostsFile(Path p, List<String> lines) throws IOException {
        StringBuilder meta = new StringBuilder();
        List<Reservation> out = new ArrayList<>();
        boolean ours = p.getFileName().toString().startsWith(FILE_PREFIX);
        for (String l : lines) {
            if (l.startsWith(META)) {
                meta.append(l.substring(META.length()).strip());
            } else if (!l.isBlank() && !l.strip().startsWith("#")) {
                out.addAll(DnsmasqConfig.hostLine(l.strip(), config.subnets(), ours, p.toString()));
            }
        }
        if (!ours || meta.length() == 0) {
            return new HostsFile(out, List.of());
        }
        JsonNode m = JSON.readTree(Base64.getDecoder().decode(meta.toString()));
        Reservation base;
        if (!out.isEmpty()) {
            base = out.get(0);
        } else if (MacAddress.isValid(m.path("mac").asText()) && Ipv4Address.isValid(m.path("ip").asText())) {
            Ipv4Address ip = Ipv4Address.parse(m.path("ip").asText());
            Optional<Subnet> s = config.subnets().stream().filter(x -> x.network().contains(ip)).findFirst();
            if (s.isEmpty()) {
                return new HostsFile(List.of(), List.of());
            }
            String host = m.path("hostname").asText();
            base = new Reservation(host, host, ip, MacAddress.parse(m.path("mac").asText()), s.get().network(), null,
                    null, List.of(), Map.of(), true);
        } else {
            return new HostsFile(List.of(), List.of());
        }
        List<String> related = new ArrayList<>();
        m.path("related_macs").forEach(x -> related.add(x.asText()));
        Map<String, String> options = new LinkedHashMap<>();
        m.path("options").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        return new HostsFile(List.of(new Reservation(m.path("name").asText(base.name()),
                m.path("hostname").asText(base.hostname()), base.ip(), base.mac(), base.subnet(),
                m.hasNonNull("filename") ? m.get("filename").asText() : null,
                m.hasNonNull("nextServer") ? m.get("nextServer").asText() : null, related, options, true)), out);
    }

    /** Applies bootproxy's own write to the index (under the write lock) and records the directory's new time. */
    private void updateIndex(Reservation r, boolean add) throws BackendUnavailableException {
        Index i = index;
        Map<Ipv4Network, List<Reservation>> m = new HashMap<>(i.bySubnet());
        List<Reservation> list = new ArrayList<>(m.getOrDefault(r.subnet(), List.of()));
        list.removeIf(e -> e.mac().equals(r.mac()) && e.ip().equals(r.ip()));
        if (add) {
            int at = Collections.binarySearch(list, r, ORDER);
            list.add(at < 0 ? -at - 1 : at, r);
        }
        m.put(r.subnet(), List.copyOf(list));
        Map<Ipv4Network, Map<MacAddress, Ipv4Address>> lines = new HashMap<>(i.lineMacs());
        Map<MacAddress, Ipv4Address> here = new HashMap<>(lines.getOrDefault(r.subnet(), Map.of()));
        if (add) {
            here.put(r.mac(), r.ip());
        } else {
            here.remove(r.mac());
        }
        lines.put(r.subnet(), Map.copyOf(here));
        index = new Index(hostsdirTime(), Map.copyOf(m), Map.copyOf(lines));
    }

    @Override
    public void checkHealth() throws BackendUnavailableException {
        runningPid();
        hostsdirTime();
    }

    @Override
    public void close() {
        // nothing held
    }
}
