package org.bootproxy.httpboot.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bootproxy.spi.files.ServedFile;

/**
 * Read-only memory mappings of served files, shared by every request for the same file version,
 * so that a body goes from the page cache to the socket without passing through the Java heap and
 * a hundred clients of one boot image share one mapping (one set of resident pages).
 *
 * <p>A version is identified by device/inode, size and modification time: the tree is changed by
 * atomic renames (a new inode), so a replaced file never hits a stale mapping. Mappings are made
 * from the channel {@link org.bootproxy.spi.files.ServedRoot} opened, never from a path, so the
 * path policy holds for them too.
 *
 * <p>Bounded by a number of entries and by total mapped bytes, least recently used evicted first.
 * An evicted mapping is unmapped by the JDK when the last buffer using it is garbage-collected, so
 * a transfer in progress is never cut. Files without a file key (not Linux) are mapped per request.
 *
 * <p>Thread-safe.
 */
public final class MappedFiles {

    /** Largest region mapped at once (a ByteBuffer is int-indexed). */
    public static final long MAX_REGION = 1L << 30;

    private record Key(Object fileKey, long size, FileTime lastModified) {
    }

    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<Key, MappedByteBuffer> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long mappedBytes;

    /**
     * @param maxEntries most files kept mapped
     * @param maxBytes most bytes kept mapped
     */
    public MappedFiles(int maxEntries, long maxBytes) {
        if (maxEntries < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("mapped file cache bounds " + maxEntries + " entries, " + maxBytes + " bytes");
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * A read-only buffer over {@code length} bytes of {@code file} from {@code offset}; the caller
     * owns the returned buffer's position and limit. {@code length} must not exceed
     * {@link #MAX_REGION}.
     */
    public ByteBuffer region(ServedFile file, long offset, long length) throws IOException {
        if (length > MAX_REGION || offset < 0 || offset + length > file.size()) {
            throw new IllegalArgumentException("region " + offset + "+" + length + " of a " + file.size()
                    + "-byte file");
        }
        if (file.size() <= MAX_REGION && file.fileKey() != null) {
            ByteBuffer whole = whole(file);
            return whole.slice((int) offset, (int) length);
        }
        return file.channel().map(FileChannel.MapMode.READ_ONLY, offset, length);
    }

    private ByteBuffer whole(ServedFile file) throws IOException {
        Key key = new Key(file.fileKey(), file.size(), file.lastModified());
        synchronized (cache) {
            MappedByteBuffer b = cache.get(key);
            if (b != null) {
                return b.duplicate();
            }
        }
        MappedByteBuffer mapped = file.channel().map(FileChannel.MapMode.READ_ONLY, 0, file.size());
        if (file.size() > maxBytes || maxEntries == 0) {
            return mapped;
        }
        synchronized (cache) {
            MappedByteBuffer raced = cache.get(key);
            if (raced != null) {
                return raced.duplicate(); // another request mapped it first; ours is collected
            }
            cache.put(key, mapped);
            mappedBytes += file.size();
            Iterator<Map.Entry<Key, MappedByteBuffer>> it = cache.entrySet().iterator();
            while ((cache.size() > maxEntries || mappedBytes > maxBytes) && it.hasNext()) {
                Map.Entry<Key, MappedByteBuffer> eldest = it.next();
                if (eldest.getKey().equals(key)) {
                    continue;
                }
                mappedBytes -= eldest.getKey().size();
                it.remove();
            }
        }
        return mapped.duplicate();
    }

    /** Number of files currently kept mapped. */
    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }

    /** Bytes currently kept mapped. */
    public long mappedBytes() {
        synchronized (cache) {
            return mappedBytes;
        }
    }
}
