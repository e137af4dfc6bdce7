package org.bootproxy.dhcp.backend.embedded;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.bootproxy.dhcp.backend.AddOutcome;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.Lease6Store;
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.backend.NotDeleteableException;
import org.bootproxy.dhcp.backend.ReservationConflictException;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Lease6;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.protocol6.Duid;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * The {@code embedded} backend: reservations and leases of the built-in DHCP server, kept in
 * memory and made durable in {@code plugins.dhcp.state_dir} by a {@link Journal}. It is both the
 * API's {@link DhcpBackend} and the server's {@link LeaseStore}, over one state, so a reservation
 * the API acknowledged is what the next DHCPDISCOVER sees.
 *
 * <h2>Why a journal of our own</h2>
 * The server must make thousands of lease writes per second durable before it ACKs, and the API
 * must never lose an acknowledged reservation, even on {@code kill -9} or power loss. An
 * append-only journal with group commit gives exactly that with one {@code fdatasync} per batch
 * of concurrent writers, no dependency and a format of a few hundred lines that tests can tear
 * and corrupt at will. The alternatives were weighed: rewriting a whole file per change
 * ({@code AtomicFiles} alone) is O(state) per write and far too slow at 50,000 reservations; an
 * embedded database (H2 MVStore, SQLite via JNI, RocksDB) brings a large dependency, native code
 * or its own durability settings to audit, for a data set that fits in memory. Kea's memfile
 * backend makes the same choice (CSV journal + periodic "lease file cleanup").
 *
 * <h2>Consistency</h2>
 * Every change is checked and applied to memory under one lock, in the order it is appended to
 * the journal, and the caller waits for its record to be durable after releasing the lock (so
 * concurrent writers batch). Reads never lock and never do I/O; a concurrent reader may see a
 * change a few milliseconds before it is durable. A change that cannot be made durable (a full
 * disk) is rolled back in memory before its writer gets the error, together with every change
 * queued behind it, so no failed write stays visible to the API or the DHCP server; the store
 * stays available for reads, answers writes with {@link BackendUnavailableException} while the
 * disk refuses them, says so in {@link #checkHealth()} and {@link #unavailable()}, and recovers
 * by itself (see {@link Journal}).
 *
 * <h2>Bonded hosts</h2>
 * Reservations whose MACs name each other in {@code related_macs} may share an IP (the rule of
 * {@link DhcpBackend}); the IP index holds every reservation of an address, ordered by MAC.
 *
 * <p>Thread-safe.
 */
public final class EmbeddedBackend implements DhcpBackend, LeaseStore, Lease6Store {

    /** Journal size that triggers a snapshot and rotation, unless configured otherwise. */
    public static final long DEFAULT_COMPACT_BYTES = 16L << 20;
    /** How many expired bindings one lock acquisition removes. */
    private static final int REMOVALS_PER_LOCK = 1024;

    private final List<Subnet> subnets;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Ipv4Network, SubnetState> state = new ConcurrentHashMap<>();
    /** DHCPv6 bindings by address, and the address of each identity association (DUID + IAID). */
    private final Map<Inet6Address, Lease6> lease6ByIp = new ConcurrentHashMap<>();
    private final Map<IaKey, Inet6Address> lease6ByIa = new ConcurrentHashMap<>();

    private record IaKey(Duid duid, long iaid) {
    }
    private final Journal journal;

    /** The records of one subnet; maps are concurrent so readers need no lock. */
    private static final class SubnetState {
        final Map<MacAddress, Reservation> reservationByMac = new ConcurrentHashMap<>();
        /** Sorted, so listings need no sort; each value is immutable, ordered by MAC, never empty. */
        final Map<Ipv4Address, List<Reservation>> reservationByIp = new ConcurrentSkipListMap<>();
        /** related MAC → the MAC of the reservation that lists it. */
        final Map<MacAddress, MacAddress> relatedMacs = new ConcurrentHashMap<>();
        final Map<Ipv4Address, Lease> leaseByIp = new ConcurrentSkipListMap<>();
        /** MAC → IP of its most recently saved lease. */
        final Map<MacAddress, Ipv4Address> leaseIpByMac = new ConcurrentHashMap<>();
    }

    private EmbeddedBackend(List<Subnet> subnets, InstantSource clock, Path stateDir, long compactBytes)
            throws IOException {
        this.subnets = List.copyOf(subnets);
        this.clock = clock;
        this.journal = Journal.open(stateDir, compactBytes, lock, this::captureLocked, this::apply);
    }

    /** A read-only copy of a store's content, loaded without the journal; see {@link #read}. */
    private EmbeddedBackend(List<Subnet> subnets, InstantSource clock) {
        this.subnets = List.copyOf(subnets);
        this.clock = clock;
        this.journal = null;
    }

    /**
     * Opens the store in {@code stateDir} (created when missing), replaying what it holds.
     *
     * @throws IOException when the directory is unusable, locked by another process, or corrupt
     */
    public static EmbeddedBackend open(Path stateDir, List<Subnet> subnets, InstantSource clock, long compactBytes)
            throws IOException {
        return new EmbeddedBackend(subnets, clock, stateDir, compactBytes);
    }

    public static EmbeddedBackend open(Path stateDir, List<Subnet> subnets, InstantSource clock) throws IOException {
        return open(stateDir, subnets, clock, DEFAULT_COMPACT_BYTES);
    }

    /**
     * Reads what the store in {@code stateDir} holds without changing any file (no torn tail is
     * cut, nothing is created), for read-only commands. The result answers reads only; every write
     * throws {@link BackendUnavailableException}.
     *
     * @throws StoreDamagedException when a file is damaged (see {@link StoreScan})
     * @throws IOException when the store is in use by a running bootproxy or unreadable
     */
    public static EmbeddedBackend read(Path stateDir, List<Subnet> subnets, InstantSource clock) throws IOException {
        EmbeddedBackend b = new EmbeddedBackend(subnets, clock);
        try (java.io.Closeable held = Journal.lockForCommand(stateDir)) {
            Journal.load(stateDir, b::apply);
        }
        return b;
    }

    /** Number of group commits so far (for metrics and the benchmark). */
    public long journalBatches() {
        return journal == null ? 0 : journal.batches();
    }

    /** Number of journal records written so far. */
    public long journalRecords() {
        return journal == null ? 0 : journal.records();
    }

    /**
     * Why the store cannot write now (the disk refused the last write and no retry has succeeded
     * yet), or empty while it can. Cheap; for the plugin's state.
     */
    public Optional<String> unavailable() {
        if (journal == null) {
            return Optional.of("embedded DHCP store opened read-only");
        }
        IOException f = journal.failure();
        java.time.Instant since = journal.failedSince();
        return f == null ? Optional.empty() : Optional.of("embedded DHCP store cannot write" + (since == null ? ""
                : " since " + since) + ": " + f.getMessage() + " (retrying every " + Journal.RETRY_MILLIS + " ms)");
    }

    // ------------------------------------------------------------------ DhcpBackend

    @Override
    public String provider() {
        return "embedded";
    }

    @Override
    public List<Subnet> subnets() {
        return subnets;
    }

    @Override
    public List<Reservation> reservations(Subnet subnet) {
        SubnetState st = state.get(subnet.network());
        if (st == null) {
            return List.of();
        }
        List<Reservation> out = new ArrayList<>();
        for (List<Reservation> atIp : st.reservationByIp.values()) { // by IP: a sorted map
            out.addAll(atIp);
        }
        return out;
    }

    @Override
    public List<Lease> activeLeases(Subnet subnet) {
        SubnetState st = state.get(subnet.network());
        if (st == null) {
            return List.of();
        }
        var now = clock.instant();
        List<Lease> out = new ArrayList<>();
        for (Lease l : st.leaseByIp.values()) {
            if (l.activeAt(now)) {
                out.add(l);
            }
        }
        return out; // by IP: a sorted map
    }

    @Override
    public Optional<Reservation> reservationByMac(Subnet subnet, MacAddress mac) {
        SubnetState st = state.get(subnet.network());
        return st == null ? Optional.empty() : Optional.ofNullable(st.reservationByMac.get(mac));
    }

    @Override
    public Optional<Reservation> reservationByIp(Subnet subnet, Ipv4Address ip) {
        return reservationsByIp(subnet, ip).stream().findFirst();
    }

    @Override
    public List<Reservation> reservationsByIp(Subnet subnet, Ipv4Address ip) {
        SubnetState st = state.get(subnet.network());
        List<Reservation> atIp = st == null ? null : st.reservationByIp.get(ip);
        return atIp == null ? List.of() : atIp;
    }

    @Override
    public Optional<Lease> activeLeaseByMac(Subnet subnet, MacAddress mac) {
        return leaseByMac(subnet.network(), mac).filter(l -> l.activeAt(clock.instant()));
    }

    @Override
    public Optional<Lease> activeLeaseByIp(Subnet subnet, Ipv4Address ip) {
        SubnetState st = state.get(subnet.network());
        return st == null ? Optional.empty()
                : Optional.ofNullable(st.leaseByIp.get(ip)).filter(l -> l.activeAt(clock.instant()));
    }

    @Override
    public AddOutcome addReservation(Reservation r) throws ReservationConflictException, BackendUnavailableException {
        CompletableFuture<Void> durable;
        AddOutcome outcome;
        lock.lock();
        try {
            SubnetState st = state.get(r.subnet());
            Reservation byMac = st == null ? null : st.reservationByMac.get(r.mac());
            List<Reservation> atIp = st == null ? null : st.reservationByIp.get(r.ip());
            if (byMac != null && byMac.equals(r)) {
                // identical: nothing to write, but it may still be in flight from a concurrent
                // request, so answer only once everything queued so far is durable
                durable = barrier();
                outcome = AddOutcome.UNCHANGED;
            } else if (byMac != null) {
                throw new ReservationConflictException(r, byMac);
            } else {
                for (Reservation holder : atIp == null ? List.<Reservation>of() : atIp) {
                    if (!bonded(r, holder)) {
                        throw new ReservationConflictException(r, holder);
                    }
                }
                durable = write(new StoreRecord.PutReservation(r));
                outcome = AddOutcome.CREATED;
            }
        } finally {
            lock.unlock();
        }
        await(durable); // outside the lock, so concurrent writers share one fsync
        return outcome;
    }

    /** Whether two reservations name each other's MAC in their {@code related_macs} (a bonded host). */
    static boolean bonded(Reservation a, Reservation b) {
        return lists(a, b.mac()) && lists(b, a.mac());
    }

    private static boolean lists(Reservation r, MacAddress mac) {
        for (String m : r.relatedMacs()) {
            if (MacAddress.isValid(m) && MacAddress.parse(m).equals(mac)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean deleteReservation(Reservation r) throws NotDeleteableException, BackendUnavailableException {
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            SubnetState st = state.get(r.subnet());
            Reservation existing = st == null ? null : st.reservationByMac.get(r.mac());
            if (existing == null || !existing.ip().equals(r.ip())) {
                return false;
            }
            if (!existing.deleteable()) {
                throw new NotDeleteableException("Record " + r.subnet().address() + "/" + r.ip()
                        + " is a static host and cannot be deleted");
            }
            durable = write(new StoreRecord.DeleteReservation(r.subnet(), r.mac()));
        } finally {
            lock.unlock();
        }
        await(durable);
        return true;
    }

    @Override
    public void checkHealth() throws BackendUnavailableException {
        Optional<String> why = unavailable();
        if (why.isPresent()) {
            throw new BackendUnavailableException(why.get(), journal == null ? null : journal.failure());
        }
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
    }

    // ------------------------------------------------------------------ LeaseStore

    @Override
    public Optional<Reservation> reservationByMac(Ipv4Network subnet, MacAddress mac) {
        SubnetState st = state.get(subnet);
        if (st == null) {
            return Optional.empty();
        }
        Reservation r = st.reservationByMac.get(mac);
        if (r == null) {
            MacAddress primary = st.relatedMacs.get(mac);
            r = primary == null ? null : st.reservationByMac.get(primary);
        }
        return Optional.ofNullable(r);
    }

    @Override
    public Optional<Reservation> reservationByIp(Ipv4Address ip) {
        return reservationsByIp(ip).stream().findFirst();
    }

    @Override
    public List<Reservation> reservationsByIp(Ipv4Address ip) {
        for (Map.Entry<Ipv4Network, SubnetState> e : state.entrySet()) {
            if (e.getKey().contains(ip)) {
                List<Reservation> atIp = e.getValue().reservationByIp.get(ip);
                if (atIp != null) {
                    return atIp;
                }
            }
        }
        return List.of();
    }

    @Override
    public Optional<Lease> leaseByMac(Ipv4Network subnet, MacAddress mac) {
        SubnetState st = state.get(subnet);
        if (st == null) {
            return Optional.empty();
        }
        Ipv4Address ip = st.leaseIpByMac.get(mac);
        return ip == null ? Optional.empty() : Optional.ofNullable(st.leaseByIp.get(ip));
    }

    @Override
    public Optional<Lease> leaseByIp(Ipv4Address ip) {
        for (Map.Entry<Ipv4Network, SubnetState> e : state.entrySet()) {
            if (e.getKey().contains(ip)) {
                Lease l = e.getValue().leaseByIp.get(ip);
                if (l != null) {
                    return Optional.of(l);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Collection<Lease> leases(Ipv4Network subnet) {
        SubnetState st = state.get(subnet);
        return st == null ? List.of() : List.copyOf(st.leaseByIp.values());
    }

    @Override
    public void saveLease(Lease lease) throws IOException {
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            durable = writeIo(new StoreRecord.PutLease(lease));
        } finally {
            lock.unlock();
        }
        awaitIo(durable);
    }

    /**
     * Applies the lease under the lock and returns the journal's group-commit future (no waiting);
     * if the lease cannot be made durable it is rolled back before the future fails.
     */
    @Override
    public java.util.concurrent.CompletionStage<Void> saveLeaseAsync(Lease lease) {
        lock.lock();
        try {
            return writeIo(new StoreRecord.PutLease(lease));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removeLease(Ipv4Address ip) throws IOException {
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            if (leaseByIp(ip).isEmpty()) {
                return;
            }
            durable = writeIo(new StoreRecord.DeleteLease(ip));
        } finally {
            lock.unlock();
        }
        awaitIo(durable);
    }

    // ------------------------------------------------------------------ Lease6Store

    @Override
    public Optional<Lease6> lease6(Duid duid, long iaid) {
        Inet6Address ip = lease6ByIa.get(new IaKey(duid, iaid));
        return ip == null ? Optional.empty() : Optional.ofNullable(lease6ByIp.get(ip));
    }

    @Override
    public Optional<Lease6> lease6ByIp(Inet6Address ip) {
        return Optional.ofNullable(lease6ByIp.get(ip));
    }

    @Override
    public Collection<Lease6> leases6() {
        return List.copyOf(lease6ByIp.values());
    }

    @Override
    public void saveLease6(Lease6 lease) throws IOException {
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            durable = writeIo(new StoreRecord.PutLease6(lease));
        } finally {
            lock.unlock();
        }
        awaitIo(durable);
    }

    @Override
    public void removeLease6(Inet6Address ip) throws IOException {
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            if (!lease6ByIp.containsKey(ip)) {
                return;
            }
            durable = writeIo(new StoreRecord.DeleteLease6(ip));
        } finally {
            lock.unlock();
        }
        awaitIo(durable);
    }

    /**
     * Removes the expired bindings in chunks of {@link #REMOVALS_PER_LOCK}, so DHCPv6 writes wait
     * for the lock no longer than one chunk takes; the removals share group commits.
     */
    @Override
    public List<Lease6> removeLeases6ExpiredBy(java.time.Instant expiredBy) throws IOException {
        List<Inet6Address> due = new ArrayList<>();
        for (Lease6 l : lease6ByIp.values()) {
            if (!l.expires().isAfter(expiredBy)) {
                due.add(l.ip());
            }
        }
        List<Lease6> candidates = new ArrayList<>();
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (int from = 0; from < due.size(); from += REMOVALS_PER_LOCK) {
            lock.lock();
            try {
                for (Inet6Address ip : due.subList(from, Math.min(due.size(), from + REMOVALS_PER_LOCK))) {
                    Lease6 l = lease6ByIp.get(ip);
                    if (l != null && !l.expires().isAfter(expiredBy)) { // not renewed or taken over meanwhile
                        durable.add(writeIo(new StoreRecord.DeleteLease6(ip)));
                        candidates.add(l);
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        List<Lease6> removed = new ArrayList<>(candidates.size());
        IOException failed = null;
        for (int i = 0; i < durable.size(); i++) {
            try {
                awaitIo(durable.get(i));
                removed.add(candidates.get(i));
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw new IOException("could not remove " + (candidates.size() - removed.size()) + " of "
                    + candidates.size() + " expired DHCPv6 bindings: " + failed.getMessage(), failed);
        }
        return removed;
    }

    // ------------------------------------------------------------------ applying records

    /** Applies then appends with the change's undo; call with the lock held. */
    private CompletableFuture<Void> writeIo(StoreRecord record) throws IOException {
        if (journal == null) {
            throw new IOException("the DHCP store was opened read-only");
        }
        byte[] payload = record.encode();
        List<Runnable> undo = new ArrayList<>();
        undoLog = undo;
        try {
            apply(record);
        } finally {
            undoLog = null;
        }
        Runnable revert = () -> {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
        };
        try {
            return journal.append(payload, revert);
        } catch (IOException | RuntimeException e) {
            revert.run(); // nothing was queued
            throw e;
        }
    }

    private CompletableFuture<Void> write(StoreRecord record) throws BackendUnavailableException {
        try {
            return writeIo(record);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private CompletableFuture<Void> barrier() throws BackendUnavailableException {
        if (journal == null) {
            throw unavailable(new IOException("the DHCP store was opened read-only"));
        }
        try {
            return journal.barrier();
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private static void awaitIo(CompletableFuture<Void> f) throws IOException {
        try {
            f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the DHCP store; the write may or may not be durable",
                    e);
        }
    }

    private static void await(CompletableFuture<Void> f) throws BackendUnavailableException {
        try {
            awaitIo(f);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private static BackendUnavailableException unavailable(IOException e) {
        return new BackendUnavailableException("embedded DHCP store cannot write: " + e.getMessage(), e);
    }

    /**
     * Where {@link #apply} records how to revert each map change while a write is applied (null
     * during replay). Touched with {@link #lock} held only.
     */
    private List<Runnable> undoLog;

    private <K, V> void put(Map<K, V> map, K key, V value) {
        V old = map.put(key, value);
        remember(map, key, old);
    }

    private <K, V> void remove(Map<K, V> map, K key) {
        V old = map.remove(key);
        if (old != null) {
            remember(map, key, old);
        }
    }

    private <K, V> void remove(Map<K, V> map, K key, V value) {
        if (map.remove(key, value)) {
            remember(map, key, value);
        }
    }

    private <K, V> void remember(Map<K, V> map, K key, V old) {
        if (undoLog != null) {
            undoLog.add(() -> {
                if (old == null) {
                    map.remove(key);
                } else {
                    map.put(key, old);
                }
            });
        }
    }

    private void apply(StoreRecord record) {
        if (record instanceof StoreRecord.PutReservation p) {
            Reservation r = p.reservation();
            SubnetState st = state.computeIfAbsent(r.subnet(), k -> new SubnetState());
            Reservation old = st.reservationByMac.get(r.mac());
            if (old != null) {
                unindex(st, old);
            }
            // a holder of the IP that is no bonded partner is replaced (the API never writes that:
            // it is a conflict there; the store keeps one consistent answer per address regardless)
            for (Reservation holder : st.reservationByIp.getOrDefault(r.ip(), List.of())) {
                if (!bonded(r, holder)) {
                    unindex(st, holder);
                }
            }
            put(st.reservationByMac, r.mac(), r);
            List<Reservation> atIp = new ArrayList<>(st.reservationByIp.getOrDefault(r.ip(), List.of()));
            atIp.add(r);
            atIp.sort(java.util.Comparator.comparing(x -> x.mac().toString()));
            put(st.reservationByIp, r.ip(), List.copyOf(atIp));
            for (String m : r.relatedMacs()) {
                if (MacAddress.isValid(m)) {
                    put(st.relatedMacs, MacAddress.parse(m), r.mac());
                }
            }
        } else if (record instanceof StoreRecord.DeleteReservation d) {
            SubnetState st = state.get(d.subnet());
            Reservation old = st == null ? null : st.reservationByMac.get(d.mac());
            if (old != null) {
                unindex(st, old);
            }
        } else if (record instanceof StoreRecord.PutLease p) {
            Lease l = p.lease();
            for (Map.Entry<Ipv4Network, SubnetState> e : state.entrySet()) {
                if (e.getKey().contains(l.ip()) && !e.getKey().equals(l.subnet())) {
                    removeLeaseFrom(e.getValue(), l.ip()); // the subnets were reconfigured
                }
            }
            SubnetState st = state.computeIfAbsent(l.subnet(), k -> new SubnetState());
            Lease old = st.leaseByIp.get(l.ip());
            put(st.leaseByIp, l.ip(), l);
            if (old != null && !old.mac().equals(l.mac())) {
                unindexLeaseMac(st, old);
            }
            // a renewal (same IP, same MAC) is the common case and must stay O(log n): no scan
            put(st.leaseIpByMac, l.mac(), l.ip());
        } else if (record instanceof StoreRecord.PutLease6 p) {
            Lease6 l = p.lease();
            IaKey ia = new IaKey(l.duid(), l.iaid());
            Inet6Address previous = lease6ByIa.get(ia);
            if (previous != null && !previous.equals(l.ip())) {
                remove(lease6ByIp, previous); // the IA moved to another address
            }
            Lease6 holder = lease6ByIp.get(l.ip());
            if (holder != null && !holder.ownedBy(l.duid(), l.iaid())) {
                remove(lease6ByIa, new IaKey(holder.duid(), holder.iaid()), l.ip()); // taken over
            }
            put(lease6ByIp, l.ip(), l);
            put(lease6ByIa, ia, l.ip());
        } else if (record instanceof StoreRecord.DeleteLease6 d) {
            Lease6 old = lease6ByIp.get(d.ip());
            if (old != null) {
                remove(lease6ByIp, d.ip());
                remove(lease6ByIa, new IaKey(old.duid(), old.iaid()), d.ip());
            }
        } else {
            Ipv4Address ip = ((StoreRecord.DeleteLease) record).ip();
            for (Map.Entry<Ipv4Network, SubnetState> e : state.entrySet()) {
                if (e.getKey().contains(ip)) {
                    removeLeaseFrom(e.getValue(), ip);
                }
            }
        }
    }

    private void unindex(SubnetState st, Reservation r) {
        remove(st.reservationByMac, r.mac(), r);
        List<Reservation> atIp = st.reservationByIp.get(r.ip());
        if (atIp != null && atIp.contains(r)) {
            List<Reservation> rest = new ArrayList<>(atIp);
            rest.remove(r);
            if (rest.isEmpty()) {
                remove(st.reservationByIp, r.ip());
            } else {
                put(st.reservationByIp, r.ip(), List.copyOf(rest));
            }
        }
        for (String m : r.relatedMacs()) {
            if (MacAddress.isValid(m)) {
                remove(st.relatedMacs, MacAddress.parse(m), r.mac());
            }
        }
    }

    private void removeLeaseFrom(SubnetState st, Ipv4Address ip) {
        Lease old = st.leaseByIp.get(ip);
        if (old != null) {
            remove(st.leaseByIp, ip);
            unindexLeaseMac(st, old);
        }
    }

    /** {@code gone} no longer holds its IP: its MAC now finds its newest other lease, if any. */
    private void unindexLeaseMac(SubnetState st, Lease gone) {
        if (st.leaseIpByMac.get(gone.mac()) != null && st.leaseIpByMac.get(gone.mac()).equals(gone.ip())) {
            remove(st.leaseIpByMac, gone.mac(), gone.ip());
            // rare (release, decline, an address taken over): a scan of the subnet's leases is fine
            Lease newest = null;
            for (Lease l : st.leaseByIp.values()) {
                if (l.mac().equals(gone.mac()) && (newest == null || l.starts().isAfter(newest.starts()))) {
                    newest = l;
                }
            }
            if (newest != null) {
                put(st.leaseIpByMac, newest.mac(), newest.ip());
            }
        }
    }

    /** For a snapshot: called by the journal with {@link #lock} held. */
    private Iterable<byte[]> captureLocked() {
        List<StoreRecord> records = new ArrayList<>();
        for (SubnetState st : state.values()) {
            for (List<Reservation> atIp : st.reservationByIp.values()) {
                for (Reservation r : atIp) {
                    records.add(new StoreRecord.PutReservation(r));
                }
            }
            for (Lease l : st.leaseByIp.values()) {
                records.add(new StoreRecord.PutLease(l));
            }
        }
        for (Lease6 l : lease6ByIp.values()) {
            records.add(new StoreRecord.PutLease6(l));
        }
        return () -> new Iterator<>() {
            private final Iterator<StoreRecord> it = records.iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public byte[] next() {
                return it.next().encode();
            }
        };
    }
}
