package org.bootproxy.dhcp.backend.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.backend.NotDeleteableException;
import org.bootproxy.dhcp.backend.ReservationConflictException;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
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
 * change a few milliseconds before it is durable (never one that is later rolled back, except if
 * the journal fails, after which the store refuses every write: see {@link Journal}).
 *
 * <p>Thread-safe.
 */
public final class EmbeddedBackend implements DhcpBackend, LeaseStore {

    /** Journal size that triggers a snapshot and rotation, unless configured otherwise. */
    public static final long DEFAULT_COMPACT_BYTES = 16L << 20;

    private final List<Subnet> subnets;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Ipv4Network, SubnetState> state = new ConcurrentHashMap<>();
    private final Journal journal;

    /** The records of one subnet; maps are concurrent so readers need no lock. */
    private static final class SubnetState {
        final Map<MacAddress, Reservation> reservationByMac = new ConcurrentHashMap<>();
        /** Sorted, so listings need no sort. */
        final Map<Ipv4Address, Reservation> reservationByIp = new ConcurrentSkipListMap<>();
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
        this.journal = Journal.open(stateDir, compactBytes, lock, this::captureLocked, this::replay);
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

    /** Number of group commits so far (for metrics and the benchmark). */
    public long journalBatches() {
        return journal.batches();
    }

    /** Number of journal records written so far. */
    public long journalRecords() {
        return journal.records();
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
        return new ArrayList<>(st.reservationByIp.values()); // by IP: a sorted map
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
        SubnetState st = state.get(subnet.network());
        return st == null ? Optional.empty() : Optional.ofNullable(st.reservationByIp.get(ip));
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
            Reservation byIp = st == null ? null : st.reservationByIp.get(r.ip());
            if (byMac != null && byMac.equals(r)) {
                // identical: nothing to write, but it may still be in flight from a concurrent
                // request, so answer only once everything queued so far is durable
                durable = barrier();
                outcome = AddOutcome.UNCHANGED;
            } else if (byMac != null) {
                throw new ReservationConflictException(r, byMac);
            } else if (byIp != null) {
                throw new ReservationConflictException(r, byIp);
            } else {
                durable = write(new StoreRecord.PutReservation(r));
                outcome = AddOutcome.CREATED;
            }
        } finally {
            lock.unlock();
        }
        await(durable); // outside the lock, so concurrent writers share one fsync
        return outcome;
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
        IOException f = journal.failure();
        if (f != null) {
            throw new BackendUnavailableException("embedded DHCP store failed: " + f.getMessage(), f);
        }
    }

    @Override
    public void close() {
        journal.close();
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
        for (Map.Entry<Ipv4Network, SubnetState> e : state.entrySet()) {
            if (e.getKey().contains(ip)) {
                Reservation r = e.getValue().reservationByIp.get(ip);
                if (r != null) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
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

    /** Applies the lease under the lock and returns the journal's group-commit future (no waiting). */
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

    // ------------------------------------------------------------------ applying records

    /** Appends then applies; call with the lock held. */
    private CompletableFuture<Void> writeIo(StoreRecord record) throws IOException {
        CompletableFuture<Void> f = journal.append(record.encode());
        apply(record);
        return f;
    }

    private CompletableFuture<Void> write(StoreRecord record) throws BackendUnavailableException {
        try {
            return writeIo(record);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private CompletableFuture<Void> barrier() throws BackendUnavailableException {
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

    private void replay(byte[] payload) {
        try {
            apply(StoreRecord.decode(payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
            Reservation holder = st.reservationByIp.get(r.ip());
            if (holder != null) {
                unindex(st, holder);
            }
            st.reservationByMac.put(r.mac(), r);
            st.reservationByIp.put(r.ip(), r);
            for (String m : r.relatedMacs()) {
                if (MacAddress.isValid(m)) {
                    st.relatedMacs.put(MacAddress.parse(m), r.mac());
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
            Lease old = st.leaseByIp.put(l.ip(), l);
            if (old != null && !old.mac().equals(l.mac())) {
                unindexLeaseMac(st, old);
            }
            // a renewal (same IP, same MAC) is the common case and must stay O(log n): no scan
            st.leaseIpByMac.put(l.mac(), l.ip());
        } else {
            Ipv4Address ip = ((StoreRecord.DeleteLease) record).ip();
            for (Map.Entry<Ipv4Network, SubnetState> e : state.entrySet()) {
                if (e.getKey().contains(ip)) {
                    removeLeaseFrom(e.getValue(), ip);
                }
            }
        }
    }

    private static void unindex(SubnetState st, Reservation r) {
        st.reservationByMac.remove(r.mac(), r);
        st.reservationByIp.remove(r.ip(), r);
        for (String m : r.relatedMacs()) {
            if (MacAddress.isValid(m)) {
                st.relatedMacs.remove(MacAddress.parse(m), r.mac());
            }
        }
    }

    private static void removeLeaseFrom(SubnetState st, Ipv4Address ip) {
        Lease old = st.leaseByIp.remove(ip);
        if (old != null) {
            unindexLeaseMac(st, old);
        }
    }

    /** {@code gone} no longer holds its IP: its MAC now finds its newest other lease, if any. */
    private static void unindexLeaseMac(SubnetState st, Lease gone) {
        if (st.leaseIpByMac.remove(gone.mac(), gone.ip())) {
            // rare (release, decline, an address taken over): a scan of the subnet's leases is fine
            Lease newest = null;
            for (Lease l : st.leaseByIp.values()) {
                if (l.mac().equals(gone.mac()) && (newest == null || l.starts().isAfter(newest.starts()))) {
                    newest = l;
                }
            }
            if (newest != null) {
                st.leaseIpByMac.put(newest.mac(), newest.ip());
            }
        }
    }

    /** For a snapshot: called by the journal with {@link #lock} held. */
    private Iterable<byte[]> captureLocked() {
        List<StoreRecord> records = new ArrayList<>();
        for (SubnetState st : state.values()) {
            for (Reservation r : st.reservationByMac.values()) {
                records.add(new StoreRecord.PutReservation(r));
            }
            for (Lease l : st.leaseByIp.values()) {
                records.add(new StoreRecord.PutLease(l));
            }
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
