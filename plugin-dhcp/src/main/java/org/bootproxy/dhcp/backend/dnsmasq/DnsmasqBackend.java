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

    /** The reservations bootproxy can see, and the hosts directory's mtime they were read at. */
    private record Index(FileTime hostsdirTime, Map<Ipv4Network, List<Reservation>> bySubnet) {
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
            Optional<AddOutcome> same = ReservationRules.check(r, reservations(subnet(r.subnet())));
            if (same.isPresent()) {
                return same.get();
            }
            long pid = runningPid();
            daemon(pid);
            Optional<Held> held = held().stream().filter(h -> h.pid() == pid && h.ip().equals(r.ip())).findFirst();
            if (held.isPresent()) {
                // dnsmasq refuses a second dhcp-host line for an address it holds ("duplicate dhcp-host IP address")
                throw new BackendUnavailableException("dnsmasq (PID " + pid + ") still holds " + r.ip() + " for the"
                        + " deleted reservation of " + held.get().mac() + " until it restarts (dnsmasq "
                        + daemon.version() + " would crash on SIGHUP); restart dnsmasq, then retry; nothing was"
                        + " written", null);
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
            updateIndex(r, true);
            return AddOutcome.CREATED;
        } finally {
            writeLock.unlock();
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

    /**
     * Deletes {@code r} from a dnsmasq that must not be sent SIGHUP: its hosts file becomes a line
     * with only the MAC. dnsmasq reads it by inotify and, as it searches its newest host records
     * first, no longer gives that MAC the address nor the tag of the boot options. The old record
     * stays loaded and keeps the address reserved until dnsmasq restarts, which {@link #HELD_FILE}
     * remembers.
     */
    private void tombstone(Daemon d, Reservation r, Path hosts, Path opts) throws BackendUnavailableException {
        String text = TOMBSTONE + d.pid() + " ip=" + r.ip() + "\n# dnsmasq " + d.pid() + " keeps the deleted"
                + " reservation until it restarts; this line stops it serving " + r.mac() + " meanwhile\n" + r.mac()
                + "\n";
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
        return FILE_PREFIX + r.mac().hexLower() + "-" + r.subnet().address();
    }

    private static String tag(Reservation r) {
        return "bp-" + r.mac().hexLower() + "-" + r.subnet().address();
    }

    /** The hosts file of {@code r}; refuses a value dnsmasq would read as something else. */
    static String hostsFile(Reservation r) throws RecordRejectedException {
        if (!DNS_NAME.matcher(r.hostname()).matches()) {
            throw new RecordRejectedException("dnsmasq takes only a DNS name as hostname: " + r.hostname());
        }
        ObjectNode meta = JSON.createObjectNode();
        meta.put("name", r.name());
        meta.put("hostname", r.hostname());
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
        b.append(r.mac());
        if (r.filename() != null || r.nextServer() != null) {
            // the tag only where options need it: dnsmasq 2.86-2.90 crash on SIGHUP after serving a tagged host
            b.append(",set:").append(tag(r));
        }
        b.append(',').append(r.ip()).append(',').append(r.hostname()).append('\n');
        return b.toString();
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
        for (Path p : files) {
            try {
                all.addAll(readHostsFile(p, Files.readAllLines(p, StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                LOG.warn("dnsmasq hosts file {} skipped: {}", p, e.toString());
            }
        }
        Map<Ipv4Network, List<Reservation>> bySubnet = new HashMap<>();
        for (Reservation r : all) {
            bySubnet.computeIfAbsent(r.subnet(), k -> new ArrayList<>()).add(r);
        }
        bySubnet.replaceAll((k, v) -> sorted(v));
        return new Index(time, Map.copyOf(bySubnet));
    }

    private static final Comparator<Reservation> ORDER = Comparator.comparing(Reservation::ip)
            .thenComparing(r -> r.mac().toString());

    private static List<Reservation> sorted(List<Reservation> v) {
        List<Reservation> s = new ArrayList<>(v);
        s.sort(ORDER);
        return List.copyOf(s);
    }

    /** A hosts file: bootproxy's own (with its comment lines) is deleteable, anyone else's is not. */
    private List<Reservation> readHostsFile(Path p, List<String> lines) throws IOException {
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
        if (!ours || meta.length() == 0 || out.size() != 1) {
            return out;
        }
        Reservation base = out.get(0);
        JsonNode m = JSON.readTree(Base64.getDecoder().decode(meta.toString()));
        List<String> related = new ArrayList<>();
        m.path("related_macs").forEach(x -> related.add(x.asText()));
        Map<String, String> options = new LinkedHashMap<>();
        m.path("options").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        return List.of(new Reservation(m.path("name").asText(base.name()), m.path("hostname").asText(base.hostname()),
                base.ip(), base.mac(), base.subnet(), m.hasNonNull("filename") ? m.get("filename").asText() : null,
                m.hasNonNull("nextServer") ? m.get("nextServer").asText() : null, related, options, true));
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
        index = new Index(hostsdirTime(), Map.copyOf(m));
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
