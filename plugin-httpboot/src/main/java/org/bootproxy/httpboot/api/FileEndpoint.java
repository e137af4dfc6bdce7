package org.bootproxy.httpboot.api;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import org.bootproxy.httpboot.http.RawPaths;
import org.bootproxy.httpboot.serve.Answer;
import org.bootproxy.httpboot.serve.Conditionals;
import org.bootproxy.httpboot.serve.FileService;
import org.bootproxy.spi.api.ApiErrors;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves GET and HEAD for the {@code /httpboot} and {@code /EFI} JAX-RS resources (API.md,
 * HTTPBoot) from {@link FileService}'s answers. The request path is the raw one from the request
 * line ({@link HttpServletRequest#getRequestURI()}), never Jersey's decoded match.
 *
 * <p>Bodies are written straight to Jetty's servlet output ({@link HttpOutput#sendContent}): small
 * files from a heap buffer, larger ones from a shared read-only mapping, so memory stays flat
 * however many clients download boot images. Successful answers bypass Jersey's entity machinery
 * (which would copy through its own buffers); errors are ordinary {@link ApiErrors} exceptions
 * that the core's mapper writes.
 *
 * <p>One INFO line per request on logger {@code org.bootproxy.httpboot.access} ({@link AccessLog}).
 * Thread-safe.
 */
public final class FileEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(FileEndpoint.class);

    private final FileService files;
    private final AccessLog access;

    public FileEndpoint(FileService files, AccessLog access) {
        this.files = files;
        this.access = access;
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
        String rawPath = request.getRequestURI();
        int base = RawPaths.rawSegments(nullToEmpty(request.getContextPath())).size()
                + RawPaths.rawSegments(nullToEmpty(request.getServletPath())).size();
        Answer answer = files.answer(mount, base, rawPath, head, new Conditionals.RequestHeaders(
                request.getHeader("If-None-Match"), request.getHeader("If-Modified-Since"),
                request.getHeader("Range"), request.getHeader("If-Range")));
        long[] sent = {0};
        boolean[] aborted = {false};
        try {
            return render(answer, head, response, sent, aborted);
        } finally {
            access.record(request.getRemoteAddr(), head, rawPath, answer.status(), sent[0], aborted[0], start);
        }
    }

    private Response render(Answer answer, boolean head, HttpServletResponse response, long[] sent,
            boolean[] aborted) {
        if (answer instanceof Answer.Refused r) {
            throw ApiErrors.error(r.status(), r.message());
        }
        if (answer instanceof Answer.NotModified nm) {
            response.setContentLengthLong(nm.size());
            return Response.notModified().header("ETag", nm.etag()).header("Last-Modified", nm.lastModified()).build();
        }
        if (answer instanceof Answer.Unsatisfiable u) {
            // returned, not thrown: the core's error mapper would drop Content-Range
            return Response.status(416).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                    .header("Content-Range", u.contentRange()).header("Accept-Ranges", "bytes")
                    .entity("Range not satisfiable").build();
        }
        Answer.Content c = (Answer.Content) answer;
        try {
            response.setStatus(c.status());
            response.setContentType(c.contentType());
            response.setContentLengthLong(c.length());
            response.setHeader("Last-Modified", c.lastModified());
            response.setHeader("ETag", c.etag());
            response.setHeader("Accept-Ranges", "bytes");
            if (c.range() != null) {
                response.setHeader("Content-Range", c.range().contentRange());
            }
            if (!head) {
                sendBody(c, response, sent, aborted);
            }
            // For HEAD, Jersey writes this status and type over the servlet response (it would
            // otherwise pick a type of its own); for GET the response is complete and it is ignored.
            return Response.status(c.status()).type(c.contentType()).build();
        } finally {
            FileService.closeQuietly(c);
        }
    }

    private void sendBody(Answer.Content c, HttpServletResponse response, long[] sent, boolean[] aborted) {
        ByteBuffer current = null;
        long done = 0;
        try {
            ServletOutputStream out = response.getOutputStream();
            while (done < c.length()) {
                current = files.chunk(c, done);
                int n = current.remaining();
                write(out, current, done + n == c.length());
                done += n;
                current = null;
            }
            sent[0] = done;
        } catch (IOException | RuntimeException e) {
            // The client went away or the file changed under us. The status line is gone already,
            // so the only honest answer left is to cut the connection, which Jetty does.
            aborted[0] = true;
            sent[0] = done + (current == null ? 0 : current.position());
            LOG.debug("transfer of {} cut short after {} bytes: {}", c.path(), sent[0], e.toString());
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
