package org.bootproxy.httpboot.api;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.time.Instant;
import java.util.List;
import org.bootproxy.httpboot.http.ByteRange;
import org.bootproxy.httpboot.http.ContentTypes;
import org.bootproxy.httpboot.http.EntityTag;
import org.bootproxy.httpboot.http.HttpDates;
import org.bootproxy.httpboot.http.RawPaths;
import org.bootproxy.httpboot.serve.Conditionals;
import org.bootproxy.httpboot.serve.MappedFiles;
import org.bootproxy.httpboot.serve.RootDir;
import org.bootproxy.spi.api.ApiErrors;
import org.bootproxy.spi.files.PathRefusedException;
import org.bootproxy.spi.files.ServedFile;
import org.bootproxy.spi.files.ServedRoot;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves GET and HEAD of files under the root for the {@code /httpboot} and {@code /EFI}
 * resources (API.md, HTTPBoot). The request path is taken raw from the request line, decoded
 * once by {@link RawPaths} and resolved by {@link ServedRoot}; nothing else names a file.
 *
 * <p>Bodies are written straight to Jetty's servlet output: small files from a heap buffer,
 * larger ones from a shared read-only mapping ({@link MappedFiles}), so memory stays flat however
 * many clients download boot images. Successful answers bypass Jersey's entity machinery (which
 * would copy through its own buffers); errors are ordinary {@link ApiErrors} exceptions.
 *
 * <p>One INFO line per request on logger {@code org.bootproxy.httpboot.access}: peer, method,
 * raw path, status, body bytes, milliseconds. Thread-safe.
 */
public final class FileEndpoint {

    /** Files up to this size are read into the heap; larger ones are sent from a mapping. */
    static final int SMALL_FILE = 64 * 1024;

    private static final Logger ACCESS = LoggerFactory.getLogger("org.bootproxy.httpboot.access");
    private static final Logger LOG = LoggerFactory.getLogger(FileEndpoint.class);

    private final RootDir root;
    private final MappedFiles mapped;
    private final HttpBootMetrics metrics;

    public FileEndpoint(RootDir root, MappedFiles mapped, HttpBootMetrics metrics) {
        this.root = root;
        this.mapped = mapped;
        this.metrics = metrics;
    }

    /** What happened to one request, for the access line. Confined to the request's thread. */
    private static final class Exchange {
        int status = 500;
        long bytes;
        boolean aborted;
    }

    /**
     * Answers one request.
     *
     * @param mount the resource's first path segment ({@code httpboot} or {@code EFI})
     * @param head whether the method is HEAD
     * @return the response for Jersey to finish; for a 200/206 the status, headers and body have
     *     already been written to {@code response}
     */
    public Response serve(String mount, boolean head, HttpServletRequest request, HttpServletResponse response) {
        long start = System.nanoTime();
        Exchange ex = new Exchange();
        String rawPath = request.getRequestURI();
        try {
            return answer(mount, head, rawPath, request, response, ex);
        } catch (WebApplicationException e) {
            ex.status = e.getResponse().getStatus();
            throw e;
        } finally {
            long ms = (System.nanoTime() - start) / 1_000_000;
            metrics.record(ex.status, ex.bytes, ex.aborted);
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info("{} {} {} {} {} bytes {} ms{}", request.getRemoteAddr(), head ? "HEAD" : "GET",
                        PathRefusedException.printable(rawPath), ex.status, ex.bytes, ms,
                        ex.aborted ? " (client went away)" : "");
            }
        }
    }

    private Response answer(String mount, boolean head, String rawPath, HttpServletRequest request,
            HttpServletResponse response, Exchange ex) {
        ServedFile file;
        try {
            String relative = relativePath(mount, rawPath, request);
            ServedRoot served = root.served().orElseThrow(() -> new PathRefusedException(
                    PathRefusedException.Reason.NOT_FOUND, rawPath, "root_dir " + root.configured() + " does not exist"));
            file = served.open(relative);
        } catch (PathRefusedException e) {
            LOG.debug("refused {}: {}", PathRefusedException.printable(rawPath), e.getMessage());
            throw switch (e.reason()) {
                case NOT_FOUND -> ApiErrors.notFound("Not found");
                case DIRECTORY -> ApiErrors.forbidden("Directory listing not allowed");
                case NOT_REGULAR -> ApiErrors.forbidden("Not a regular file");
                case INVALID, SYMLINK -> ApiErrors.forbidden("Invalid or empty path");
            };
        } catch (AccessDeniedException e) {
            LOG.warn("cannot read {} under {}: permission denied", PathRefusedException.printable(rawPath), root.configured());
            throw ApiErrors.forbidden("Permission denied");
        } catch (IOException e) {
            LOG.warn("cannot open {} under {}: {}", PathRefusedException.printable(rawPath), root.configured(), e.toString());
            throw ApiErrors.error(500, "Cannot read file");
        }
        try {
            EntityTag etag = EntityTag.of(file.fileKey(), file.size(), file.lastModified());
            Instant modified = file.lastModified().toInstant();
            Conditionals.Decision decision = Conditionals.decide(head,
                    new Conditionals.Version(etag, modified, file.size()),
                    new Conditionals.RequestHeaders(request.getHeader("If-None-Match"),
                            request.getHeader("If-Modified-Since"), request.getHeader("Range"),
                            request.getHeader("If-Range")));
            String lastModified = HttpDates.format(modified);
            if (decision instanceof Conditionals.NotModified) {
                ex.status = 304;
                // RFC 9110 8.6: a 304 may carry Content-Length only with the 200's value; without
                // one, the container would add "0".
                response.setContentLengthLong(file.size());
                return Response.notModified().header("ETag", etag.toString()).header("Last-Modified", lastModified)
                        .build();
            }
            if (decision instanceof Conditionals.RangeNotSatisfiable r) {
                ex.status = 416;
                return Response.status(416).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                        .header("Content-Range", r.range().contentRange()).header("Accept-Ranges", "bytes")
                        .entity("Range not satisfiable").build();
            }
            Conditionals.Send send = (Conditionals.Send) decision;
            ByteRange range = send.range();
            long offset = range == null ? 0 : range.first();
            long length = range == null ? file.size() : range.length();
            String contentType = ContentTypes.forName(file.relativePath());
            response.setStatus(send.status());
            response.setContentType(contentType);
            response.setContentLengthLong(length);
            response.setHeader("Last-Modified", lastModified);
            response.setHeader("ETag", etag.toString());
            response.setHeader("Accept-Ranges", "bytes");
            if (range != null) {
                response.setHeader("Content-Range", range.contentRange());
            }
            ex.status = send.status();
            if (!head) {
                sendBody(file, offset, length, response, ex);
            }
            // For HEAD, Jersey writes this status and type over the servlet response (it would
            // otherwise pick a type of its own); for GET the response is complete and it is ignored.
            return Response.status(send.status()).type(contentType).build();
        } finally {
            try {
                file.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", file.relativePath(), e.toString());
            }
        }
    }

    /**
     * The decoded path below the root: the raw request path without the servlet's base and the
     * mount segment. A request Jetty routed here only after normalizing (e.g. {@code /x/../EFI/a})
     * does not start with the mount in its raw form and is refused.
     */
    private static String relativePath(String mount, String rawPath, HttpServletRequest request)
            throws PathRefusedException {
        List<String> raw = RawPaths.rawSegments(rawPath);
        int base = RawPaths.rawSegments(nullToEmpty(request.getContextPath())).size()
                + RawPaths.rawSegments(nullToEmpty(request.getServletPath())).size();
        if (raw.size() <= base || !RawPaths.decodeSegment(raw.get(base), rawPath).equals(mount)) {
            throw new PathRefusedException(PathRefusedException.Reason.INVALID, rawPath, "not below /" + mount);
        }
        return RawPaths.decode(raw.subList(base + 1, raw.size()), rawPath);
    }

    private void sendBody(ServedFile file, long offset, long length, HttpServletResponse response, Exchange ex) {
        ByteBuffer current = null;
        long done = 0;
        try {
            ServletOutputStream out = response.getOutputStream();
            if (length <= SMALL_FILE) {
                current = ByteBuffer.allocate((int) length);
                while (current.hasRemaining()) {
                    int n = file.channel().read(current, offset + current.position());
                    if (n < 0) {
                        throw new IOException("file shrank while reading: " + file.relativePath());
                    }
                }
                current.flip();
                write(out, current, true);
                done = length;
            } else {
                while (done < length) {
                    long n = Math.min(length - done, MappedFiles.MAX_REGION);
                    current = mapped.region(file, offset + done, n);
                    write(out, current, done + n == length);
                    done += n;
                }
            }
            ex.bytes = done;
        } catch (IOException | RuntimeException e) {
            // The client went away or the file changed under us. The status line is gone already,
            // so the only honest answer left is to cut the connection, which Jetty does.
            ex.aborted = true;
            ex.bytes = done + (current == null ? 0 : current.position());
            LOG.debug("transfer of {} cut short after {} bytes: {}", file.relativePath(), ex.bytes, e.toString());
        }
    }

    private static void write(ServletOutputStream out, ByteBuffer buffer, boolean last) throws IOException {
        if (out instanceof HttpOutput jetty) {
            if (last) {
                jetty.sendContent(buffer); // writes and completes the response
            } else {
                jetty.write(buffer);
            }
            return;
        }
        WritableByteChannel ch = Channels.newChannel(out);
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
