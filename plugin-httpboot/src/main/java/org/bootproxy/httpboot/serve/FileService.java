package org.bootproxy.httpboot.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.bootproxy.httpboot.http.ByteRange;
import org.bootproxy.httpboot.http.ContentTypes;
import org.bootproxy.httpboot.http.EntityTag;
import org.bootproxy.httpboot.http.HttpDates;
import org.bootproxy.httpboot.http.RawPaths;
import org.bootproxy.spi.files.PathRefusedException;
import org.bootproxy.spi.files.ServedFile;
import org.bootproxy.spi.files.ServedRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The httpboot answer to a GET or HEAD, whatever HTTP stack carries it: raw path to file (through
 * {@link RawPaths} and {@link ServedRoot}), conditionals and ranges, and the body as buffers that
 * never copy a file into the heap beyond {@link #SMALL_FILE} bytes. Thread-safe.
 *
 * <p>What follows from a file version alone (its validators as header strings, and for a small
 * file its bytes) is computed once per version and kept, keyed like {@link MappedFiles} on
 * device/inode, size and modification time as read from the descriptor {@link ServedRoot#open}
 * returned. Every request runs the path policy: {@link ServedRoot#check} (one {@code lstat} per
 * component, no descriptor) names the version, and when it is known and its answer needs no bytes
 * that are not kept (a small file's body, a 304, a HEAD), that is the answer; otherwise
 * {@link ServedRoot#open} opens the file and the answer comes from the descriptor. Kept bytes were
 * all read through {@code open}, so nothing reaches a client that did not pass the full policy. A
 * replaced file (atomic rename, so a new inode) or a touched one is a new version. The cache is
 * bounded by {@link #MAX_VERSIONS} entries and {@link #MAX_CACHED_BYTES} bytes of bodies, and
 * emptied as a whole when full: a boot tree's hot set is a few dozen files.
 */
public final class FileService {

    /** Files up to this size are read into the heap; larger ones are sent from a shared mapping. */
    public static final int SMALL_FILE = 64 * 1024;

    /** Most file versions whose validators (and small bodies) are kept. */
    static final int MAX_VERSIONS = 4096;
    /** Most bytes of small-file bodies kept. */
    static final long MAX_CACHED_BYTES = 32L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(FileService.class);

    private record VersionKey(Object fileKey, long size, FileTime lastModified) {
    }

    /**
     * One file version's derived values; {@code body} is a read-only heap buffer of a small
     * file's bytes, or null when not (yet) kept.
     */
    private record Version(EntityTag etag, String etagHeader, Instant modified, String lastModified, ByteBuffer body) {
    }

    private final ConcurrentHashMap<VersionKey, Version> versions = new ConcurrentHashMap<>();
    private long cachedBytes; // guarded by versions (writers only)

    private final RootDir root;
    private final MappedFiles mapped;

    public FileService(RootDir root, MappedFiles mapped) {
        this.root = root;
        this.mapped = mapped;
    }

    /**
     * @param mount the route's first segment ({@code httpboot} or {@code EFI})
     * @param base how many raw segments precede the mount (a servlet context path), usually 0
     * @param rawPath the request path exactly as on the request line, without the query
     * @param head whether the method is HEAD
     */
    public Answer answer(String mount, int base, String rawPath, boolean head, Conditionals.RequestHeaders headers) {
        ServedFile file;
        try {
            String relative = relativePath(mount, base, rawPath);
            ServedRoot served = root.served().orElseThrow(() -> new PathRefusedException(
                    PathRefusedException.Reason.NOT_FOUND, rawPath, "root_dir " + root.configured() + " does not exist"));
            Answer known = fromKnownVersion(served.check(relative), head, headers);
            if (known != null) {
                return known;
            }
            file = served.open(relative);
        } catch (PathRefusedException e) {
            LOG.debug("refused {}: {}", PathRefusedException.printable(rawPath), e.getMessage());
            return switch (e.reason()) {
                case NOT_FOUND -> new Answer.Refused(404, "Not found");
                case DIRECTORY -> new Answer.Refused(403, "Directory listing not allowed");
                case NOT_REGULAR -> new Answer.Refused(403, "Not a regular file");
                case INVALID, SYMLINK -> new Answer.Refused(403, "Invalid or empty path");
            };
        } catch (AccessDeniedException e) {
            LOG.warn("cannot read {} under {}: permission denied", PathRefusedException.printable(rawPath),
                    root.configured());
            return new Answer.Refused(403, "Permission denied");
        } catch (IOException e) {
            LOG.warn("cannot open {} under {}: {}", PathRefusedException.printable(rawPath), root.configured(),
                    e.toString());
            return new Answer.Refused(500, "Cannot read file");
        }
        Version v = version(file);
        Answer a = decide(file.relativePath(), file, null, v, file.size(), head, headers);
        if (!(a instanceof Answer.Content)) {
            closeQuietly(file);
        }
        return a;
    }

    /**
     * The answer from what is kept for the version {@link ServedRoot#check} found, without
     * opening the file: when the version is known and the answer needs no bytes (304, 416, HEAD)
     * or its bytes are kept (a small file). Null when the file has to be opened.
     */
    private Answer fromKnownVersion(ServedRoot.Entry e, boolean head, Conditionals.RequestHeaders headers) {
        if (e.fileKey() == null) {
            return null;
        }
        Version v = versions.get(new VersionKey(e.fileKey(), e.size(), e.lastModified()));
        if (v == null) {
            return null;
        }
        Answer a = decide(e.relativePath(), null, v.body(), v, e.size(), head, headers);
        if (a instanceof Answer.Content c && !head && c.length() > 0 && c.body() == null) {
            return null; // bytes needed that are not kept: open the file
        }
        return a;
    }

    private static Answer decide(String path, ServedFile file, ByteBuffer body, Version v, long size, boolean head,
            Conditionals.RequestHeaders headers) {
        Conditionals.Decision decision = Conditionals.decide(head, new Conditionals.Version(v.etag(), v.modified(), size),
                headers);
        if (decision instanceof Conditionals.Send send) {
            ByteRange range = send.range();
            return new Answer.Content(path, file, body, range, range == null ? 0 : range.first(),
                    range == null ? size : range.length(), ContentTypes.forName(path), v.etagHeader(),
                    v.lastModified());
        }
        if (decision instanceof Conditionals.RangeNotSatisfiable r) {
            return new Answer.Unsatisfiable(r.range().contentRange());
        }
        return new Answer.NotModified(v.etagHeader(), v.lastModified(), size);
    }

    /** The derived values of an open file's version, from the cache or computed (and kept). */
    private Version version(ServedFile file) {
        VersionKey key = new VersionKey(file.fileKey(), file.size(), file.lastModified());
        Version v = versions.get(key);
        if (v != null) {
            return v;
        }
        EntityTag etag = EntityTag.of(file.fileKey(), file.size(), file.lastModified());
        Instant modified = file.lastModified().toInstant();
        v = new Version(etag, etag.toString(), modified, HttpDates.format(modified), null);
        if (file.fileKey() == null) {
            return v; // no identity to key on: nothing kept (another file may share size and time)
        }
        synchronized (versions) {
            if (versions.size() >= MAX_VERSIONS) {
                clear();
            }
            Version raced = versions.putIfAbsent(key, v);
            return raced != null ? raced : v;
        }
    }

    /** A small file's whole body for its version: kept after the first read. */
    private ByteBuffer smallBody(ServedFile file) throws IOException {
        VersionKey key = new VersionKey(file.fileKey(), file.size(), file.lastModified());
        Version v = file.fileKey() == null ? null : versions.get(key);
        if (v != null && v.body() != null) {
            return v.body().duplicate();
        }
        ByteBuffer b = ByteBuffer.allocate((int) file.size());
        while (b.hasRemaining()) {
            if (file.channel().read(b, b.position()) < 0) {
                throw new IOException("file shrank while reading: " + file.relativePath());
            }
        }
        ByteBuffer body = b.flip().asReadOnlyBuffer();
        if (v != null) {
            synchronized (versions) {
                if (cachedBytes + body.capacity() > MAX_CACHED_BYTES) {
                    clear();
                }
                // replace only the entry read above: a concurrent clear() or fill wins
                if (versions.replace(key, v, new Version(v.etag(), v.etagHeader(), v.modified(), v.lastModified(), body))) {
                    cachedBytes += body.capacity();
                }
            }
        }
        return body.duplicate();
    }

    private void clear() {
        versions.clear();
        cachedBytes = 0;
    }

    /**
     * The next piece of a body: from {@code done} bytes into the content, at most
     * {@link MappedFiles#MAX_REGION} long. Small files come from a heap buffer, others from the
     * shared mapping; callers loop until {@code done == content.length()}.
     */
    public ByteBuffer chunk(Answer.Content c, long done) throws IOException {
        long n = Math.min(c.length() - done, MappedFiles.MAX_REGION);
        if (c.body() != null) {
            return c.body().slice((int) (c.offset() + done), (int) n);
        }
        if (c.file().size() <= SMALL_FILE) {
            return smallBody(c.file()).slice((int) (c.offset() + done), (int) n);
        }
        if (c.length() <= SMALL_FILE) {
            ByteBuffer b = ByteBuffer.allocate((int) n);
            while (b.hasRemaining()) {
                if (c.file().channel().read(b, c.offset() + done + b.position()) < 0) {
                    throw new IOException("file shrank while reading: " + c.file().relativePath());
                }
            }
            return b.flip();
        }
        return mapped.region(c.file(), c.offset() + done, n);
    }

    /**
     * The decoded path below the root. A request Jetty routed here only after normalizing it
     * (e.g. {@code /x/../EFI/a}) does not start with the mount in its raw form and is refused.
     * A trailing {@code /} is kept: {@link ServedRoot} then wants a directory there, so
     * {@code /httpboot/hello.txt/} is not the file {@code hello.txt}.
     */
    static String relativePath(String mount, int base, String rawPath) throws PathRefusedException {
        List<String> raw = RawPaths.rawSegments(rawPath);
        if (raw.size() <= base || !RawPaths.decodeSegment(raw.get(base), rawPath).equals(mount)) {
            throw new PathRefusedException(PathRefusedException.Reason.INVALID, rawPath, "not below /" + mount);
        }
        String relative = RawPaths.decode(raw.subList(base + 1, raw.size()), rawPath);
        return rawPath.endsWith("/") && !relative.isEmpty() ? relative + "/" : relative;
    }

    /** Closes a file, logging (never throwing) a failure. */
    public static void closeQuietly(AutoCloseable file) {
        try {
            file.close();
        } catch (Exception e) {
            LOG.debug("closing a served file: {}", e.toString());
        }
    }
}
