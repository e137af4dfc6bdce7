package org.bootproxy.dhcp.backend.embedded;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
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
 * snapshot, then every journal of generation ≥ G in order; a frame whose length runs past the end
 * of the file or whose CRC does not match ends the journal: the tail is logged, cut off and
 * ignored. A snapshot that does not verify is an error (it is only ever renamed into place
 * complete), so the store refuses to start rather than silently lose state.
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
 * An I/O error while writing the journal fails the pending records and every later
 * {@link #append} (fail-stop, as PostgreSQL does after a failed fsync: after that the kernel's
 * page cache and the file may disagree, and retrying could acknowledge lost data).
 *
 * <p>Thread-safe. {@link #close()} writes what is queued, then stops.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final byte[] JOURNAL_MAGIC = "BPJRNL01".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SNAPSHOT_MAGIC = "BPSNAP01".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 16;
    private static final int FRAME_HEADER_BYTES = 8;
    /** Bigger than any record the store writes; a longer length field is a torn or corrupt frame. */
    static final int MAX_RECORD_BYTES = 1 << 20;
    static final String SNAPSHOT_FILE = "snapshot.bin";
    private static final Pattern JOURNAL_NAME = Pattern.compile("journal-([0-9a-f]{16})\\.log");

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

    private record Pending(byte[] payload, CompletableFuture<Void> done) {
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
                    FileLock dirLock, Consumer<byte[]> replay) throws IOException {
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
     * @throws IOException when the directory cannot be used, is in use by another process, or
     *     holds a corrupt snapshot or an unreadable record
     */
    static Journal open(Path dir, long compactBytes, Lock ownerLock, StateSource source, Consumer<byte[]> replay)
            throws IOException {
        Files.createDirectories(dir);
        FileChannel lc = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock fl;
        try {
            fl = lc.tryLock();
        } catch (OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            lc.close();
            throw new IOException("state directory " + dir + " is in use by another bootproxy process");
        }
        try {
            return new Journal(dir, compactBytes, ownerLock, source, lc, fl, replay);
        } catch (IOException | RuntimeException e) {
            fl.release();
            lc.close();
            throw e;
        }
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

    /** The I/O error that stopped the journal, or null while it is healthy. */
    IOException failure() {
        return failure;
    }

    /**
     * Queues a record. Call it while holding the owner's lock, in the order the owner applies
     * records to its state.
     *
     * @return completes when the record is durable, or exceptionally with the I/O error
     * @throws IOException when the journal has already failed or is closed (nothing was queued)
     */
    CompletableFuture<Void> append(byte[] payload) throws IOException {
        if (payload.length == 0 || payload.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record of " + payload.length + " bytes");
        }
        return enqueue(payload);
    }

    /** Completes once every record queued before this call is durable. */
    CompletableFuture<Void> barrier() throws IOException {
        return enqueue(null);
    }

    private CompletableFuture<Void> enqueue(byte[] payload) throws IOException {
        queueLock.lock();
        try {
            IOException f = failure;
            if (f != null) {
                throw new IOException("journal in " + dir + " failed earlier: " + f.getMessage(), f);
            }
            if (closing) {
                throw new IOException("journal in " + dir + " is closed");
            }
            Pending p = new Pending(payload, new CompletableFuture<>());
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
            List<Pending> batch;
            queueLock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return; // closing, and everything is written
                }
                batch = queue;
                queue = new ArrayList<>();
            } finally {
                queueLock.unlock();
            }
            try {
                writeBatch(batch);
                complete(batch);
                if (size >= compactBytes && !compacting) {
                    rotateAndCompact();
                }
            } catch (AlreadyFailed e) {
                return;
            } catch (IOException | RuntimeException | Error e) {
                fail(e instanceof IOException io ? io : new IOException("journal writer failed: " + e, e), batch);
                return;
            }
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
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        // fdatasync: the file length is part of the data it flushes, so appended records survive
        channel.force(false);
        size += bytes;
        batches++;
        records += n;
    }

    private static void complete(List<Pending> batch) {
        for (Pending p : batch) {
            p.done().complete(null);
        }
    }

    private void fail(IOException e, List<Pending> batch) {
        List<Pending> rest;
        queueLock.lock();
        try {
            failure = e;
            rest = queue;
            queue = new ArrayList<>();
        } finally {
            queueLock.unlock();
        }
        LOG.error("DHCP store journal in {} failed; the store refuses further writes: {}", dir, e.toString());
        for (Pending p : batch) {
            p.done().completeExceptionally(e);
        }
        for (Pending p : rest) {
            p.done().completeExceptionally(e);
        }
    }

    /** Thrown by {@link #rotateAndCompact} after it has failed the journal itself. */
    private static final class AlreadyFailed extends RuntimeException {
        AlreadyFailed() {
            super(null, null, false, false);
        }
    }

    private void rotateAndCompact() {
        List<Pending> batch = List.of();
        Iterable<byte[]> state;
        long newGen;
        ownerLock.lock();
        try {
            queueLock.lock();
            try {
                batch = queue;
                queue = new ArrayList<>();
            } finally {
                queueLock.unlock();
            }
            writeBatch(batch);
            // Everything the owner has applied is now in a written journal: capture it and start G+1.
            state = source.captureLocked();
            newGen = generation + 1;
            FileChannel next = createJournal(newGen);
            channel.close();
            channel = next;
            generation = newGen;
            size = HEADER_BYTES;
        } catch (IOException | RuntimeException | Error e) {
            // the records drained here must not wait forever: fail them with the journal
            fail(e instanceof IOException io ? io : new IOException("journal rotation failed: " + e, e), batch);
            throw new AlreadyFailed();
        } finally {
            ownerLock.unlock();
        }
        complete(batch);
        compacting = true;
        Thread t = new Thread(() -> compact(newGen, state), "dhcp-journal-compactor");
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

    private Recovery recover(Consumer<byte[]> replay) throws IOException {
        long snapGen = 0;
        int snapRecords = 0;
        Path snap = dir.resolve(SNAPSHOT_FILE);
        if (Files.exists(snap)) {
            long[] gen = new long[1];
            snapRecords = readSnapshot(snap, gen, replay);
            snapGen = gen[0];
        }
        List<Long> gens = journalGenerations();
        int journalRecords = 0;
        long torn = 0;
        int used = 0;
        long last = -1;
        for (long g : gens) {
            if (g < snapGen) {
                AtomicFiles.delete(journalPath(g)); // a crash came between snapshot and cleanup
                continue;
            }
            long[] result = replayJournal(journalPath(g), g, replay);
            journalRecords += (int) result[0];
            torn += result[1];
            used++;
            last = g;
        }
        if (last < 0) {
            generation = Math.max(snapGen, 1);
            channel = createJournal(generation);
            size = HEADER_BYTES;
        } else {
            generation = last;
            channel = FileChannel.open(journalPath(last), StandardOpenOption.WRITE);
            size = channel.size();
            channel.position(size);
        }
        Recovery r = new Recovery(snapRecords, journalRecords, torn, used);
        LOG.info("DHCP store opened in {}: {} snapshot record(s), {} journal record(s) in {} journal(s){}", dir,
                snapRecords, journalRecords, used, torn > 0 ? ", ignored a torn tail of " + torn + " bytes" : "");
        return r;
    }

    private int readSnapshot(Path snap, long[] genOut, Consumer<byte[]> replay) throws IOException {
        try (CountingInput in = new CountingInput(Files.newInputStream(snap))) {
            byte[] header = in.readFully(HEADER_BYTES);
            if (header == null || !Arrays.equals(Arrays.copyOf(header, 8), SNAPSHOT_MAGIC)) {
                throw new IOException("snapshot " + snap + " has no valid header");
            }
            genOut[0] = ByteBuffer.wrap(header, 8, 8).getLong();
            int n = 0;
            while (true) {
                long at = in.position();
                byte[] fh = in.readFully(FRAME_HEADER_BYTES);
                if (fh == null) {
                    throw new IOException("snapshot " + snap + " is truncated at byte " + at);
                }
                ByteBuffer b = ByteBuffer.wrap(fh);
                int len = b.getInt();
                int crc = b.getInt();
                if (len == 0) {
                    if (crc != n) {
                        throw new IOException("snapshot " + snap + " says " + crc + " records, read " + n);
                    }
                    return n;
                }
                byte[] payload = len < 0 || len > MAX_RECORD_BYTES ? null : in.readFully(len);
                if (payload == null || crc32c(payload) != crc) {
                    throw new IOException("snapshot " + snap + " is corrupt at byte " + at);
                }
                replay.accept(payload);
                n++;
            }
        }
    }

    /** Returns {records, torn bytes}; cuts a torn tail off the file. */
    private long[] replayJournal(Path path, long gen, Consumer<byte[]> replay) throws IOException {
        long fileSize = Files.size(path);
        long good;
        int n = 0;
        try (CountingInput in = new CountingInput(Files.newInputStream(path))) {
            byte[] header = in.readFully(HEADER_BYTES);
            if (header == null || !Arrays.equals(Arrays.copyOf(header, 8), JOURNAL_MAGIC)
                    || ByteBuffer.wrap(header, 8, 8).getLong() != gen) {
                // created but its header never reached the disk: nothing was acknowledged from it
                LOG.warn("DHCP store journal {} has no valid header ({} bytes); starting it afresh", path, fileSize);
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(header(gen)));
                    ch.force(true);
                }
                return new long[] {0, fileSize};
            }
            good = in.position();
            while (true) {
                byte[] fh = in.readFully(FRAME_HEADER_BYTES);
                if (fh == null) {
                    break;
                }
                ByteBuffer b = ByteBuffer.wrap(fh);
                int len = b.getInt();
                int crc = b.getInt();
                if (len <= 0 || len > MAX_RECORD_BYTES) {
                    break;
                }
                byte[] payload = in.readFully(len);
                if (payload == null || crc32c(payload) != crc) {
                    break;
                }
                replay.accept(payload);
                n++;
                good = in.position();
            }
        }
        long torn = fileSize - good;
        if (torn > 0) {
            LOG.warn("DHCP store journal {}: ignoring a torn or corrupt tail of {} bytes at byte {} "
                    + "(an unacknowledged write cut short by a crash)", path, torn, good);
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.truncate(good);
                ch.force(true);
            }
        }
        return new long[] {n, torn};
    }

    private List<Long> journalGenerations() throws IOException {
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
            throw e;
        }
    }

    private void fsyncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems refuse to sync a directory; the journal's own fsync still holds
        }
    }

    private static byte[] header(long gen) {
        return ByteBuffer.allocate(HEADER_BYTES).put(JOURNAL_MAGIC).putLong(gen).array();
    }

    private static int crc32c(byte[] payload) {
        CRC32C c = new CRC32C();
        c.update(payload);
        return (int) c.getValue();
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

    /** An input stream that knows its position and reads exactly n bytes or reports a short end. */
    private static final class CountingInput implements AutoCloseable {
        private final InputStream in;
        private long position;

        CountingInput(InputStream raw) {
            this.in = new BufferedInputStream(raw, 1 << 16);
        }

        long position() {
            return position;
        }

        /** n bytes, or null when the stream ends first. */
        byte[] readFully(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            position += b.length;
            return b.length == n ? b : null;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
