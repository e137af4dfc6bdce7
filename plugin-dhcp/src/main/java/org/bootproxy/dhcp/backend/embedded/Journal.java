package org.bootproxy.dhcp.backend.embedded;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.bootproxy.spi.files.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable, append-only log of opaque records with group commit, rotation and snapshots, in one
 * directory that this process owns exclusively (an OS file lock on {@code lock}).
 *
 * <h2>Files</h2>
 * <ul>
 *   <li>{@code journal-<gen>.log}: header {@code BPJRNL01} + generation (8 bytes, big endian),
 *       then frames {@code [u32 length][u32 CRC32C of payload][payload]}.</li>
 *   <li>{@code snapshot.bin}, written with {@link AtomicFiles}: header {@code BPSNAP01} +
 *       generation G, frames, then a terminator {@code [u32 0][u32 frame count]}. It holds the
 *       whole state as of the start of journal G, so journals below G are obsolete.</li>
 * </ul>
 *
 * <h2>Durability</h2>
 * {@link #append} enqueues a record and returns a future that completes once the record is
 * written and {@code fdatasync}ed. One writer thread drains everything queued since its last
 * write into one {@code write} + one {@code force}: concurrent writers share an fsync (group
 * commit), so throughput grows with concurrency while each caller still waits for its own
 * durability. Records are written in {@link #append} order.
 *
 * <p>A crash can leave only the last, unacknowledged batch partly written. Recovery reads the
 * snapshot, then every journal of generation ≥ G in order, each frame checked by
 * {@link StoreScan}. Only a <em>torn tail</em> — a frame that runs past the end of the newest
 * journal with nothing valid after it — is such a write: it is logged and cut off. Every other
 * frame, header or record that does not verify (a flipped bit anywhere, an unknown record type, a
 * bad snapshot) is damage that may hold acknowledged records: the store refuses to open with a
 * {@link StoreDamagedException} naming file, offset and reason, and changes no file, so nothing is
 * ever lost silently; {@code bootproxy dhcp-store verify|salvage} reports and recovers.
 *
 * <h2>Compaction</h2>
 * When the current journal exceeds the threshold, the writer thread, holding the owner's lock
 * (so no record can be applied to the owner's state without being in a journal already written),
 * flushes the queue, captures the owner's state ({@link StateSource}), and switches to a new
 * journal G+1. A separate thread then writes the snapshot for G+1 and deletes the journals below
 * G+1. A crash at any point leaves either the old snapshot with all journals, or the new snapshot
 * (older journals are then deleted at the next start): no record is ever in neither.
 *
 * <h2>Failure</h2>
 * An I/O error while writing or forcing a batch (a full disk, EIO) fails that batch and every
 * record queued behind it: under the owner's lock, each failed record's undo action runs (newest
 * first), so nothing that was not made durable stays in the owner's state, and the callers get
 * the error. The journal then cuts the file back to the end of the last durable batch before it
 * writes again (a partly written batch must not become damage in the middle of the file), and
 * stays <em>unavailable</em> ({@link #failure()}) until a write succeeds: each new append is
 * tried (and fails fast while the disk refuses it), and while nothing is queued the writer probes
 * the directory every {@link #RETRY_MILLIS} ms, so the store recovers by itself once the disk
 * accepts writes again. Retrying is safe here, unlike after PostgreSQL's lost-fsync case: every
 * acknowledged batch had its own successful {@code fdatasync}, and the bytes of a failed batch,
 * whose pages the kernel may have dropped, are cut off rather than forced again.
 *
 * <p>Thread-safe. {@link #close()} writes what is queued, then stops.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final byte[] JOURNAL_MAGIC = StoreScan.JOURNAL_MAGIC;
    private static final byte[] SNAPSHOT_MAGIC = StoreScan.SNAPSHOT_MAGIC;
    private static final int HEADER_BYTES = StoreScan.HEADER_BYTES;
    private static final int FRAME_HEADER_BYTES = StoreScan.FRAME_HEADER_BYTES;
    /** How often an unavailable journal probes whether the disk takes writes again. */
    static final long RETRY_MILLIS = 1000;
    private static final String PROBE_FILE = "probe.tmp";
    /** Bigger than any record the store writes; a longer length field is a torn or corrupt frame. */
    static final int MAX_RECORD_BYTES = 1 << 20;
    static final String SNAPSHOT_FILE = "snapshot.bin";
    static final Pattern JOURNAL_NAME = Pattern.compile("journal-([0-9a-f]{16})\\.log");

    /** The owner's state, for a snapshot. */
    interface StateSource {
        /**
         * Called with the owner's lock held: returns the records that rebuild the current state.
         * The iterable is consumed later, without the lock, so it must read a copy.
         */
        Iterable<byte[]> captureLocked();
    }

    /** What recovery found, for the log and tests. */
    record Recovery(int snapshotRecords, int journalRecords, long tornBytes, int journals) {
    }

    /** What a replay or a read-only load found, before anything is changed on disk. */
    record Loaded(long snapshotGeneration, int snapshotRecords, int journalRecords, List<Long> obsolete,
                  List<Long> live, StoreScan.FileScan last) {
    }

    /** A queued record; {@code undo} reverts it in the owner's state if it cannot be made durable. */
    private record Pending(byte[] payload, Runnable undo, CompletableFuture<Void> done) {
    }

    private final Path dir;
    private final long compactBytes;
    private final Lock ownerLock;
    private final StateSource source;
    private final FileChannel lockChannel;
    private final FileLock dirLock;
    private final Recovery recovery;

    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queued = queueLock.newCondition();
    private List<Pending> queue = new ArrayList<>();
    private boolean closing;
    private volatile IOException failure;
    private volatile java.time.Instant failedSince;
    /** A write or force failed after the file grew past {@link #size}: cut it back before writing on. */
    private boolean dirty;

    // touched by the writer thread only (and by open() before it starts)
    private FileChannel channel;
    private long generation;
    private long size;
    private volatile boolean compacting;
    private final Object compactionMonitor = new Object();
    private Thread compactor;

    private final Thread writer;
    private volatile long batches;
    private volatile long records;

    private Journal(Path dir, long compactBytes, Lock ownerLock, StateSource source, FileChannel lockChannel,
                    FileLock dirLock, Consumer<StoreRecord> replay) throws IOException {
        this.dir = dir;
        this.compactBytes = compactBytes;
        this.ownerLock = ownerLock;
        this.source = source;
        this.lockChannel = lockChannel;
        this.dirLock = dirLock;
        this.recovery = recover(replay);
        this.writer = new Thread(this::writeLoop, "dhcp-journal-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens (creating if needed) the journal in {@code dir}, replays the snapshot and the journals
     * into {@code replay} in order, and starts the writer thread.
     *
     * @param compactBytes journal size after which a snapshot is written and the journal rotated
     * @param ownerLock the lock under which the owner applies records and calls {@link #append}
     * @throws StoreDamagedException when a file holds damage other than a torn tail (nothing was
     *     changed)
     * @throws IOException when the directory cannot be used or is in use by another process
     */
    static Journal open(Path dir, long compactBytes, Lock ownerLock, StateSource source,
                        Consumer<StoreRecord> replay) throws IOException {
        Files.createDirectories(dir);
        FileChannel lc = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock fl = lockOrClose(lc, dir);
        try {
            return new Journal(dir, compactBytes, ownerLock, source, lc, fl, replay);
        } catch (IOException | RuntimeException e) {
            fl.release();
            lc.close();
            throw e;
        }
    }

    /**
     * Takes the directory's lock for a command that reads or repairs the files while no bootproxy
     * runs on them; creates nothing (a directory that never had a store has no lock file: nothing
     * to hold).
     *
     * @throws IOException when a running bootproxy (or another command) holds the directory
     */
    static java.io.Closeable lockForCommand(Path dir) throws IOException {
        Path lockFile = dir.resolve("lock");
        if (!Files.exists(lockFile)) {
            return () -> { };
        }
        FileChannel lc = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock held = lockOrClose(lc, dir);
        return () -> {
            held.release();
            lc.close();
        };
    }

    /** The directory's exclusive lock on {@code lc}; closes {@code lc} and throws when another holds it. */
    private static FileLock lockOrClose(FileChannel lc, Path dir) throws IOException {
        FileLock fl;
        try {
            fl = lc.tryLock();
        } catch (OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            lc.close();
            throw new IOException("state directory " + dir + " is in use by a running bootproxy (another process"
                    + " holds its lock)");
        }
        return fl;
    }

    Recovery recovery() {
        return recovery;
    }

    /** Number of group commits (write + fsync) so far. */
    long batches() {
        return batches;
    }

    /** Number of records written so far. */
    long records() {
        return records;
    }

    /** The I/O error of the last failed write while the journal cannot write, or null while it can. */
    IOException failure() {
        return failure;
    }

    /** Since when the journal cannot write, or null while it can. */
    java.time.Instant failedSince() {
        return failedSince;
    }

    /**
     * Queues a record. Call it while holding the owner's lock, in the order the owner applies
     * records to its state.
     *
     * @param undo reverts the record in the owner's state; run with the owner's lock held if the
     *     record cannot be made durable, before the returned future fails
     * @return completes when the record is durable, or exceptionally with the I/O error
     * @throws IOException when the journal is closed (nothing was queued)
     */
    CompletableFuture<Void> append(byte[] payload, Runnable undo) throws IOException {
        if (payload.length == 0 || payload.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record of " + payload.length + " bytes");
        }
        return enqueue(payload, undo);
    }

    /** Completes once every record queued before this call is durable (or failed). */
    CompletableFuture<Void> barrier() throws IOException {
        return enqueue(null, null);
    }

    private CompletableFuture<Void> enqueue(byte[] payload, Runnable undo) throws IOException {
        queueLock.lock();
        try {
            if (closing) {
                throw new IOException("journal in " + dir + " is closed");
            }
            Pending p = new Pending(payload, undo, new CompletableFuture<>());
            queue.add(p);
            queued.signal();
            return p.done();
        } finally {
            queueLock.unlock();
        }
    }

    // ---------------------------------------------------------------- writer thread

    private void writeLoop() {
        while (true) {
            List<Pending> batch = null;
            queueLock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    if (failure == null) {
                        queued.awaitUninterruptibly();
                    } else if (queued.await(RETRY_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        continue;
                    } else {
                        break; // unavailable and idle: probe below
                    }
                }
                if (!queue.isEmpty()) {
                    batch = queue;
                    queue = new ArrayList<>();
                } else if (closing) {
                    return; // closing, and everything is written
                }
            } catch (InterruptedException e) {
                // nobody interrupts this thread; treat it as a wake-up
            } finally {
                queueLock.unlock();
            }
            if (batch == null) {
                probe();
                continue;
            }
            try {
                writeBatch(batch);
            } catch (IOException | RuntimeException | Error e) {
                fail(e instanceof IOException io ? io : new IOException("journal writer failed: " + e, e), batch);
                continue;
            }
            writable();
            complete(batch);
            if (size >= compactBytes && !compacting) {
                rotateAndCompact();
            }
        }
    }

    /** While unavailable and idle: can the directory take a write and an fsync again? */
    private void probe() {
        if (failure == null) {
            return;
        }
        Path probe = dir.resolve(PROBE_FILE);
        try {
            repairIfDirty();
            // the journal itself must still be writable (permissions, immutable flag, read-only remount) ...
            FileChannel.open(journalPath(generation), StandardOpenOption.WRITE).close();
            // ... and the file system must take new blocks and an fsync
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(false);
            } finally {
                Files.deleteIfExists(probe);
            }
            writable();
        } catch (IOException | RuntimeException e) {
            LOG.debug("DHCP store in {} still cannot write: {}", dir, e.toString());
        }
    }

    /** A write or probe succeeded: the journal is available again. */
    private void writable() {
        if (failure != null) {
            LOG.info("DHCP store in {} can write again (unavailable since {})", dir, failedSince);
            failure = null;
            failedSince = null;
        }
    }

    /** Cuts off what a failed batch may have left behind the last durable byte. */
    private void repairIfDirty() throws IOException {
        if (dirty && channel.size() == size) {
            channel.position(size); // the failed write left no byte behind
            dirty = false;
        } else if (dirty) {
            channel.truncate(size);
            channel.position(size);
            channel.force(false);
            dirty = false;
        }
    }

    private void writeBatch(List<Pending> batch) throws IOException {
        int bytes = 0;
        int n = 0;
        for (Pending p : batch) {
            if (p.payload() != null) {
                bytes += FRAME_HEADER_BYTES + p.payload().length;
                n++;
            }
        }
        if (n == 0) {
            return; // only barriers: everything before them was forced by an earlier batch
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes).order(ByteOrder.BIG_ENDIAN);
        CRC32C crc = new CRC32C();
        for (Pending p : batch) {
            byte[] payload = p.payload();
            if (payload != null) {
                crc.reset();
                crc.update(payload);
                buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
            }
        }
        buf.flip();
        repairIfDirty();
        dirty = true;
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        // fdatasync: the file length is part of the data it flushes, so appended records survive
        channel.force(false);
        dirty = false;
        size += bytes;
        batches++;
        records += n;
    }

    private static void complete(List<Pending> batch) {
        for (Pending p : batch) {
            p.done().complete(null);
        }
    }

    /**
     * Fails {@code batch} and everything queued behind it: reverts them in the owner's state (newest
     * first, under the owner's lock, so no reader sees a record that was not made durable after
     * its writer got the error), then completes their futures exceptionally.
     */
    private void fail(IOException cause, List<Pending> batch) {
        // cut the failed bytes off now, before anyone hears of the failure: a complete frame of a
        // failed batch must not come back at the next start
        IOException e = cause;
        try {
            repairIfDirty();
        } catch (IOException | RuntimeException r) {
            e = new IOException(cause.getMessage() + " (and the failed write could not be cut off the journal yet: "
                    + r.getMessage() + "; it may reappear after a restart)", cause);
        }
        List<Pending> rest;
        boolean first;
        ownerLock.lock();
        try {
            queueLock.lock();
            try {
                first = failure == null;
                failure = e;
                if (first) {
                    failedSince = java.time.Instant.now();
                }
                rest = queue;
                queue = new ArrayList<>();
            } finally {
                queueLock.unlock();
            }
            undo(rest);
            undo(batch);
        } finally {
            ownerLock.unlock();
        }
        if (first) {
            LOG.error("DHCP store journal in {} cannot write; the failed records were rolled back, writes answer"
                    + " 503 and the store retries every {} ms: {}", dir, RETRY_MILLIS, e.toString());
        } else {
            LOG.debug("DHCP store journal in {} still cannot write: {}", dir, e.toString());
        }
        for (Pending p : batch) {
            p.done().completeExceptionally(e);
        }
        for (Pending p : rest) {
            p.done().completeExceptionally(e);
        }
    }

    private static void undo(List<Pending> pending) {
        for (int i = pending.size() - 1; i >= 0; i--) {
            Runnable u = pending.get(i).undo();
            if (u != null) {
                try {
                    u.run();
                } catch (RuntimeException ex) {
                    LOG.error("DHCP store: rolling back a failed record threw", ex);
                }
            }
        }
    }

    private void rotateAndCompact() {
        List<Pending> batch;
        Iterable<byte[]> state = null;
        long newGen = 0;
        IOException failed = null;
        boolean rotated = false;
        ownerLock.lock();
        try {
            queueLock.lock();
            try {
                batch = queue;
                queue = new ArrayList<>();
            } finally {
                queueLock.unlock();
            }
            try {
                writeBatch(batch);
            } catch (IOException | RuntimeException | Error e) {
                failed = e instanceof IOException io ? io : new IOException("journal writer failed: " + e, e);
            }
            if (failed == null) {
                // Everything the owner has applied is now in a written journal: capture it and start G+1.
                state = source.captureLocked();
                newGen = generation + 1;
                try {
                    FileChannel next = createJournal(newGen);
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // it was forced; closing a descriptor we only appended to loses nothing
                    }
                    channel = next;
                    generation = newGen;
                    size = HEADER_BYTES;
                    rotated = true;
                } catch (IOException | RuntimeException e) {
                    // the batch is durable in the current journal; go on there and rotate after a later batch
                    LOG.warn("DHCP store could not start journal {} in {}, staying on {}: {}", newGen, dir,
                            generation, e.toString());
                }
            }
        } finally {
            ownerLock.unlock();
        }
        // futures complete without the owner's lock: a dependent action may call back into the owner
        if (failed != null) {
            fail(failed, batch);
            return;
        }
        writable();
        complete(batch);
        if (!rotated) {
            return;
        }
        compacting = true;
        long gen = newGen;
        Iterable<byte[]> captured = state;
        Thread t = new Thread(() -> compact(gen, captured), "dhcp-journal-compactor");
        t.setDaemon(true);
        synchronized (compactionMonitor) {
            compactor = t;
        }
        t.start();
    }

    private void compact(long gen, Iterable<byte[]> state) {
        long started = System.nanoTime();
        try {
            int[] count = new int[1];
            AtomicFiles.write(dir.resolve(SNAPSHOT_FILE), raw -> {
                OutputStream out = new BufferedOutputStream(raw, 1 << 16);
                out.write(SNAPSHOT_MAGIC);
                out.write(longBytes(gen));
                CRC32C crc = new CRC32C();
                for (byte[] payload : state) {
                    crc.reset();
                    crc.update(payload);
                    out.write(intBytes(payload.length));
                    out.write(intBytes((int) crc.getValue()));
                    out.write(payload);
                    count[0]++;
                }
                out.write(intBytes(0));
                out.write(intBytes(count[0]));
                out.flush();
            });
            int deleted = deleteJournalsBelow(gen);
            LOG.info("DHCP store compacted: snapshot of {} records, {} old journal(s) removed, {} ms", count[0],
                    deleted, (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            // not fatal: the old snapshot and every journal are still there and still replay correctly
            LOG.warn("DHCP store compaction in {} failed, will retry later: {}", dir, e.toString());
        } finally {
            compacting = false;
        }
    }

    private int deleteJournalsBelow(long gen) throws IOException {
        int n = 0;
        for (long g : journalGenerations()) {
            if (g < gen) {
                AtomicFiles.delete(journalPath(g));
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- recovery

    private Recovery recover(Consumer<StoreRecord> replay) throws IOException {
        Loaded loaded = load(dir, replay);
        // Everything verified: only now touch the files.
        for (long g : loaded.obsolete()) {
            AtomicFiles.delete(journalPath(g)); // a crash came between snapshot and cleanup
        }
        long torn = 0;
        StoreScan.FileScan last = loaded.last();
        if (last == null) {
            generation = Math.max(loaded.snapshotGeneration(), 1);
            channel = createJournal(generation);
            size = HEADER_BYTES;
        } else {
            generation = last.generation() < 0 ? loaded.live().get(loaded.live().size() - 1) : last.generation();
            channel = FileChannel.open(last.file(), StandardOpenOption.WRITE);
            if (last.tornHeader()) {
                // created, but its header never reached the disk: nothing was acknowledged from it
                torn = last.size();
                LOG.warn("DHCP store journal {}: its header was torn by a crash ({} bytes); writing it again",
                        last.file(), last.size());
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(header(generation)), 0);
                channel.force(true);
            } else if (last.tornAt() >= 0) {
                torn = last.size() - last.tornAt();
                LOG.warn("DHCP store journal {}: cutting off a torn tail of {} bytes at byte {} (a write that a"
                        + " crash cut short before it was acknowledged)", last.file(), torn, last.tornAt());
                channel.truncate(last.tornAt());
                channel.force(true);
            }
            size = channel.size();
            channel.position(size);
        }
        Recovery r = new Recovery(loaded.snapshotRecords(), loaded.journalRecords(), torn, loaded.live().size());
        LOG.info("DHCP store opened in {}: {} snapshot record(s), {} journal record(s) in {} journal(s){}", dir,
                r.snapshotRecords(), r.journalRecords(), r.journals(), torn > 0 ? ", cut a torn tail of " + torn
                + " bytes" : "");
        return r;
    }

    /**
     * Reads the store in {@code dir} into {@code replay} without changing any file: the snapshot,
     * then the journals it does not cover, in order.
     *
     * @throws StoreDamagedException at the first damage (see {@link StoreScan})
     */
    static Loaded load(Path dir, Consumer<StoreRecord> replay) throws IOException {
        long snapGen = 0;
        int snapRecords = 0;
        Path snap = dir.resolve(SNAPSHOT_FILE);
        if (Files.exists(snap)) {
            StoreScan.FileScan s = StoreScan.snapshot(snap, false);
            throwIfDamaged(s);
            snapGen = s.generation();
            for (StoreScan.Frame f : s.frames()) {
                replay.accept(f.record());
            }
            snapRecords = s.frames().size();
        }
        List<Long> obsolete = new ArrayList<>();
        List<Long> live = new ArrayList<>();
        for (long g : journalGenerations(dir)) {
            (g < snapGen ? obsolete : live).add(g);
        }
        int journalRecords = 0;
        StoreScan.FileScan last = null;
        for (int i = 0; i < live.size(); i++) {
            StoreScan.FileScan js = StoreScan.journal(journalPath(dir, live.get(i)), live.get(i),
                    i == live.size() - 1, false);
            throwIfDamaged(js);
            for (StoreScan.Frame f : js.frames()) {
                replay.accept(f.record());
            }
            journalRecords += js.frames().size();
            last = js;
        }
        return new Loaded(snapGen, snapRecords, journalRecords, obsolete, live, last);
    }

    private static void throwIfDamaged(StoreScan.FileScan scan) throws StoreDamagedException {
        if (scan.damaged()) {
            StoreScan.Damage d = scan.damage().get(0);
            throw new StoreDamagedException(d.file(), d.offset(), d.reason());
        }
    }

    private List<Long> journalGenerations() throws IOException {
        return journalGenerations(dir);
    }

    /** The generations of the journals in {@code dir}, ascending. */
    static List<Long> journalGenerations(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = JOURNAL_NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Long.parseUnsignedLong(m.group(1), 16));
                }
            });
        }
        out.sort(null);
        return out;
    }

    private Path journalPath(long gen) {
        return journalPath(dir, gen);
    }

    static Path journalPath(Path dir, long gen) {
        return dir.resolve(String.format("journal-%016x.log", gen));
    }

    private FileChannel createJournal(long gen) throws IOException {
        Path p = journalPath(gen);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ch.write(ByteBuffer.wrap(header(gen)));
            ch.force(true);
            fsyncDirectory();
            return ch;
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(p); // nothing was ever in it
            throw e;
        }
    }

    private void fsyncDirectory() {
        fsyncDirectory(dir);
    }

    /** Makes renames and new files in {@code dir} durable, where the file system allows it. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems refuse to sync a directory; the journal's own fsync still holds
        }
    }

    static byte[] header(long gen) {
        return ByteBuffer.allocate(HEADER_BYTES).put(JOURNAL_MAGIC).putLong(gen).array();
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Writes what is queued, waits for a running compaction, releases the directory. */
    @Override
    public void close() {
        queueLock.lock();
        try {
            closing = true;
            queued.signal();
        } finally {
            queueLock.unlock();
        }
        joinQuietly(writer);
        Thread c;
        synchronized (compactionMonitor) {
            c = compactor;
        }
        if (c != null) {
            joinQuietly(c);
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a file we only appended to and forced
        }
        try {
            dirLock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
