package org.bootproxy.dhcp.backend.isc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows dhcpd.leases live: a full read at {@link #start}, then every {@code interval} the bytes
 * appended since are parsed and applied, so reads lag dhcpd by at most about the interval plus
 * the parse. dhcpd rewrites the file now and then (at start and about hourly: a new file renamed
 * over the old one); a new file key (inode) or a shrunk file is re-read from the start into a
 * fresh {@link LeasesView} that replaces the old one only once it is complete.
 *
 * <p>Thread-safe: one daemon thread writes the view under the write lock; readers take the read
 * lock through {@link #read}. {@link #apply} lets the backend apply its own acknowledged writes at
 * once (dhcpd has already appended them to the file, so re-reading them is idempotent).
 */
final class LeasesFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeasesFollower.class);
    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final Duration interval;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private LeasesView view = new LeasesView();
    private LeasesParser parser = new LeasesParser();
    private Object fileKey;
    private long offset;
    /** Bytes read but not yet parsed (an incomplete record at the end). */
    private byte[] pending = new byte[0];
    private volatile String error;
    private volatile long rereads;
    private Thread thread;
    private volatile boolean stopping;

    LeasesFollower(Path file, Duration interval) {
        this.file = file;
        this.interval = interval;
    }

    /**
     * Reads the whole file once, then follows it on a daemon thread.
     *
     * @throws IOException when the file cannot be read now
     */
    void start() throws IOException {
        poll(true);
        if (error != null) {
            throw new IOException(error);
        }
        thread = new Thread(this::run, "dhcp-isc-leases");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!stopping) {
            try {
                TimeUnit.NANOSECONDS.sleep(interval.toNanos());
            } catch (InterruptedException e) {
                return;
            }
            try {
                poll(false);
            } catch (RuntimeException e) {
                LOG.warn("dhcp isc: following {} failed: {}", file, e.toString());
            }
        }
    }

    /** Reads what was appended since the last poll, or the whole file when it was replaced. */
    synchronized void poll(boolean first) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            setError("leases file " + file + " does not exist");
            return; // dhcpd between rename steps, or not started: keep what we have
        } catch (IOException e) {
            setError("leases file " + file + " cannot be read: " + e.getMessage());
            return;
        }
        Object key = attrs.fileKey();
        boolean replaced = first || fileKey == null || !fileKey.equals(key) || attrs.size() < offset;
        try {
            if (replaced) {
                reread(key);
            } else if (attrs.size() > offset) {
                follow();
            }
            error = null;
        } catch (IOException e) {
            setError("leases file " + file + " cannot be read: " + e.getMessage());
        }
    }

    private void setError(String e) {
        if (!e.equals(error)) {
            LOG.warn("dhcp isc: {}", e);
        }
        error = e;
    }

    private void reread(Object key) throws IOException {
        long t0 = System.nanoTime();
        LeasesView fresh = new LeasesView();
        LeasesParser p = new LeasesParser();
        long[] off = {0};
        byte[] rest;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            rest = readFrom(ch, 0, new byte[0], p, fresh, off);
        }
        lock.writeLock().lock();
        try {
            view = fresh;
        } finally {
            lock.writeLock().unlock();
        }
        parser = p;
        pending = rest;
        offset = off[0];
        fileKey = key;
        rereads++;
        LOG.info("dhcp isc: read {} ({} leases, {} OMAPI hosts, {} bytes) in {} ms", file, fresh.leaseCount(),
                fresh.hostCount(), offset, (System.nanoTime() - t0) / 1_000_000);
    }

    private void follow() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long[] off = {offset};
            pending = readFrom(ch, offset, pending, parser, null, off);
            offset = off[0];
        }
    }

    /**
     * Reads from {@code start} to the end in chunks, parsing complete records into {@code target}
     * (null: the live view, under the write lock per chunk).
     *
     * @return the bytes of a trailing incomplete record
     */
    private byte[] readFrom(FileChannel ch, long start, byte[] carry, LeasesParser p, LeasesView target, long[] off)
            throws IOException {
        // sized to what is there (an append is usually a few hundred bytes), at most CHUNK
        ByteBuffer buf = ByteBuffer.allocate((int) Math.max(1, Math.min(CHUNK, ch.size() - start)));
        long pos = start;
        byte[] rest = carry;
        while (true) {
            if (buf.capacity() < CHUNK && ch.size() - pos > buf.capacity()) {
                // the file grew while it was being read: no longer read it a few bytes at a time
                buf = ByteBuffer.allocate((int) Math.min(CHUNK, ch.size() - pos));
            }
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            pos += n;
            byte[] data = new byte[rest.length + n];
            System.arraycopy(rest, 0, data, 0, rest.length);
            System.arraycopy(buf.array(), 0, data, rest.length, n);
            // dhcpd writes ASCII (non-printables escaped); ISO-8859-1 maps byte i to char i
            String text = new String(data, StandardCharsets.ISO_8859_1);
            int used;
            if (target != null) {
                used = p.feed(text, text.length(), target, false, file.toString());
            } else {
                lock.writeLock().lock();
                try {
                    used = p.feed(text, text.length(), view, false, file.toString());
                } finally {
                    lock.writeLock().unlock();
                }
            }
            rest = java.util.Arrays.copyOfRange(data, used, data.length);
        }
        off[0] = pos;
        return rest;
    }

    /** Runs {@code f} on the current view under the read lock. */
    <T> T read(Function<LeasesView, T> f) {
        lock.readLock().lock();
        try {
            return f.apply(view);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Applies a record the backend wrote through OMAPI (see the class comment). */
    void apply(LeasesParser.HostRecord host) {
        lock.writeLock().lock();
        try {
            view.host(host);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Why the file cannot be read now, or null. */
    String error() {
        return error;
    }

    /** How many times the file was read from the start (for tests). */
    long rereads() {
        return rereads;
    }

    /** Malformed records skipped since the last full read. */
    long malformed() {
        return parser.malformed();
    }

    @Override
    public void close() {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
