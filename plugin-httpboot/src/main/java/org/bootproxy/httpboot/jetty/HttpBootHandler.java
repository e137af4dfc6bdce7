package org.bootproxy.httpboot.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bootproxy.httpboot.api.AccessLog;
import org.bootproxy.httpboot.http.ContentTypes;
import org.bootproxy.httpboot.http.RawPaths;
import org.bootproxy.httpboot.serve.Answer;
import org.bootproxy.httpboot.serve.Conditionals;
import org.bootproxy.httpboot.serve.FileService;
import org.bootproxy.spi.files.PathRefusedException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * A Jetty core {@link Handler} serving GET and HEAD of {@code /httpboot/<path>} and
 * {@code /EFI/<path>} with the same {@link FileService} as the JAX-RS resources, without the
 * servlet and Jersey layers (which cost about six times nginx's CPU per small request; see
 * BENCHMARKS.md). Bodies are written asynchronously ({@link Response#write} with callbacks), so
 * a slow client holds no thread.
 *
 * <p>The core mounts it ({@code RunningPlugin.handlers()}) at the top of the server's handler tree.
 *
 * <h2>Threading, and the file I/O it does inline</h2>
 * It is declared non-blocking, so Jetty runs it on the thread that parsed the request, which can
 * be a selector thread (Jetty's adaptive strategy runs a non-blocking task in place): while it
 * runs, that selector's other connections wait. It never waits for a peer or a lock (writes are
 * asynchronous), but it does do blocking file system calls there, exactly these, as nginx does in
 * its event loop:
 * <ol>
 *   <li>The path policy: {@link org.bootproxy.spi.files.ServedRoot#check} ({@code lstat} per
 *       component, at most {@value org.bootproxy.spi.files.ServedRoot#MAX_SEGMENTS}), and when
 *       the file version is not known yet or its bytes are needed,
 *       {@link org.bootproxy.spi.files.ServedRoot#open} ({@code openat} per component,
 *       {@code fstat}, one more {@code lstat}). Metadata only.</li>
 *   <li>A file of at most {@value FileService#SMALL_FILE} bytes: one read of it, once per file
 *       version (kept afterwards, see {@link FileService}); a range of at most that size of a
 *       larger file: one read of at most that size per request.</li>
 *   <li>A larger body: {@code mmap} (reads nothing), then Jetty's non-blocking socket write copies
 *       from the mapping, and a page not in the page cache is read from disk by the page fault,
 *       on the writing thread. One write copies at most what the socket's send buffer has room
 *       for, so one step reads at most that much, never the whole file; the rest goes as the
 *       socket drains, on whichever thread Jetty completes the write.</li>
 * </ol>
 * Why that is bounded: the number of calls is fixed per request (items 1 and 2) or per socket
 * write (item 3), and none waits for anything but the local disk. A boot tree is a few dozen
 * files that every client reads, so after the first request they are in the dentry and page
 * caches and these calls are memory copies (bench/httpboot.sh measures this steady state). What
 * is not bounded is the disk itself: with a cold page cache on a slow disk, each of them can stall
 * the selector thread for a disk read, the price of serving from one shared mapping without a
 * thread hop per request.
 * It serves only the listeners httpboot is enabled on; any other request (another path, another
 * method) is declined ({@code handle} returns false) for the next handler, so the core's routing,
 * 404 text and authorization stay in charge of everything else. Thread-safe.
 */
public final class HttpBootHandler extends Handler.Abstract.NonBlocking {

    private static final String TEXT = "text/plain;charset=utf-8";
    // constant fields, encoded once instead of on every response
    private static final HttpField ACCEPT_RANGES = new PreEncodedHttpField(HttpHeader.ACCEPT_RANGES, "bytes");
    private static final HttpField OCTET_STREAM = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE,
            ContentTypes.OCTET_STREAM);

    private final FileService files;
    private final AccessLog access;
    private final boolean onHttp;
    private final boolean onHttps;

    /**
     * @param onHttp serve on plain HTTP connections
     * @param onHttps serve on TLS connections
     */
    public HttpBootHandler(FileService files, AccessLog access, boolean onHttp, boolean onHttps) {
        this.files = files;
        this.access = access;
        this.onHttp = onHttp;
        this.onHttps = onHttps;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (!head && !HttpMethod.GET.is(method) || !(request.isSecure() ? onHttps : onHttp)) {
            return false;
        }
        String rawPath = request.getHttpURI().getPath();
        String mount = mountOf(rawPath);
        if (mount == null) {
            return false;
        }
        long start = System.nanoTime();
        HttpFields in = request.getHeaders();
        Answer answer = files.answer(mount, 0, rawPath, head, new Conditionals.RequestHeaders(
                in.get(HttpHeader.IF_NONE_MATCH), in.get(HttpHeader.IF_MODIFIED_SINCE), in.get(HttpHeader.RANGE),
                in.get(HttpHeader.IF_RANGE)));
        String peer = Request.getRemoteAddr(request);
        HttpFields.Mutable out = response.getHeaders();
        response.setStatus(answer.status());
        if (answer instanceof Answer.Content c) {
            if (c.contentType().equals(ContentTypes.OCTET_STREAM)) {
                out.put(OCTET_STREAM);
            } else {
                out.put(HttpHeader.CONTENT_TYPE, c.contentType());
            }
            out.put(HttpHeader.CONTENT_LENGTH, c.length());
            out.put(HttpHeader.LAST_MODIFIED, c.lastModified());
            out.put(HttpHeader.ETAG, c.etag());
            out.put(ACCEPT_RANGES);
            if (c.range() != null) {
                out.put(HttpHeader.CONTENT_RANGE, c.range().contentRange());
            }
            if (head || c.length() == 0) {
                FileService.closeQuietly(c);
                response.write(true, null, logged(callback, peer, head, rawPath, c.status(), start));
            } else {
                new Body(c, response, callback, peer, rawPath, start).iterate();
            }
            return true;
        }
        String text;
        if (answer instanceof Answer.NotModified nm) {
            out.put(HttpHeader.ETAG, nm.etag());
            out.put(HttpHeader.LAST_MODIFIED, nm.lastModified());
            out.put(HttpHeader.CONTENT_LENGTH, nm.size());
            text = null;
        } else if (answer instanceof Answer.Unsatisfiable u) {
            out.put(HttpHeader.CONTENT_RANGE, u.contentRange());
            out.put(HttpHeader.ACCEPT_RANGES, "bytes");
            text = "Range not satisfiable";
        } else {
            text = ((Answer.Refused) answer).message();
        }
        ByteBuffer body = null;
        if (text != null) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            out.put(HttpHeader.CONTENT_TYPE, TEXT);
            out.put(HttpHeader.CONTENT_LENGTH, b.length);
            body = ByteBuffer.wrap(b);
        }
        response.write(true, head ? null : body, logged(callback, peer, head, rawPath, answer.status(), start));
        return true;
    }

    /** {@code httpboot} or {@code EFI} when the raw path's first segment names one, else null. */
    private static String mountOf(String rawPath) {
        // the common spellings without splitting the path; anything else (an encoded mount
        // segment, a bare mount) takes the general way below
        if (rawPath.startsWith("/httpboot/")) {
            return "httpboot";
        }
        if (rawPath.startsWith("/EFI/")) {
            return "EFI";
        }
        List<String> segments = RawPaths.rawSegments(rawPath);
        if (segments.isEmpty()) {
            return null;
        }
        try {
            String first = RawPaths.decodeSegment(segments.get(0), rawPath);
            return first.equals("httpboot") || first.equals("EFI") ? first : null;
        } catch (PathRefusedException e) {
            return null;
        }
    }

    private Callback logged(Callback callback, String peer, boolean head, String rawPath, int status, long start) {
        return Callback.from(() -> {
            access.record(peer, head, rawPath, status, 0, false, start);
            callback.succeeded();
        }, x -> {
            access.record(peer, head, rawPath, status, 0, true, start);
            callback.failed(x);
        });
    }

    /** Writes a body chunk by chunk (one chunk unless the file is over 1 GiB), then completes. */
    private final class Body extends IteratingCallback {
        private final Answer.Content content;
        private final Response response;
        private final Callback callback;
        private final String peer;
        private final String rawPath;
        private final long start;
        private long done;
        private ByteBuffer current;

        Body(Answer.Content content, Response response, Callback callback, String peer, String rawPath, long start) {
            this.content = content;
            this.response = response;
            this.callback = callback;
            this.peer = peer;
            this.rawPath = rawPath;
            this.start = start;
        }

        @Override
        protected Action process() throws Throwable {
            if (current != null) {
                done += current.limit(); // chunks start at position 0
                current = null;
            }
            if (done == content.length()) {
                return Action.SUCCEEDED;
            }
            current = files.chunk(content, done);
            response.write(done + current.remaining() == content.length(), current, this);
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteSuccess() {
            FileService.closeQuietly(content);
            access.record(peer, false, rawPath, content.status(), done, false, start);
            callback.succeeded();
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            FileService.closeQuietly(content);
            long sent = done + (current == null ? 0 : current.position());
            access.record(peer, false, rawPath, content.status(), sent, true, start);
            callback.failed(cause);
        }
    }
}
