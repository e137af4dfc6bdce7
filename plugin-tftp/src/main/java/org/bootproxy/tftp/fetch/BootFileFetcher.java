package org.bootproxy.tftp.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bootproxy.spi.files.AtomicFiles;
import org.bootproxy.spi.files.PathRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * fetch_boot_file: downloads kernels and initrds into the TFTP root in the background.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #submit} validates at once (parameters, scheme, destination inside the root) and
 *       queues the download on a bounded pool; the API answers 200 as soon as it returns, as
 *       Foreman expects.</li>
 *   <li>A download lands in a temp file next to its destination ({@link AtomicFiles#newTempFile})
 *       and is renamed over it only when complete and answered 2xx: a 404 page is never saved as
 *       a kernel, and a failed or timed-out download leaves the previous file untouched.</li>
 *   <li>HTTP(S): redirects are followed (never from https to http); when the destination exists,
 *       {@code If-Modified-Since} carries its modification time and a 304 keeps it; a downloaded
 *       file gets the remote {@code Last-Modified} as its modification time.</li>
 *   <li>FTP (JDK URL handler, passive mode): always downloaded again, no conditional request.</li>
 *   <li>{@code nfs://}: accepted and ignored (the installer mounts the medium itself).</li>
 *   <li>One download per destination at a time: a request for a destination already being
 *       downloaded joins it instead of starting another.</li>
 *   <li>Each outcome is one log line: INFO when done (bytes, duration) or not modified, WARN with
 *       the reason when failed.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops the pool: running downloads are aborted and leave
 * nothing, queued ones fail.
 */
public final class BootFileFetcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BootFileFetcher.class);

    /** HTTP-date (RFC 9110 section 5.6.7, IMF-fixdate): two-digit day, always GMT. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final Path root;
    private final FetchSettings settings;
    private final String userAgent;
    private final HttpClient http;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService watchdog;
    private final ConcurrentMap<Path, Ticket> inFlight = new ConcurrentHashMap<>();

    /** What {@link #submit} did with a request. */
    public enum Status {
        /** A new download was queued. */
        STARTED,
        /** The destination is already being downloaded; the request joined that download. */
        ALREADY_RUNNING,
        /** Nothing to download ({@code nfs://}). */
        IGNORED
    }

    /**
     * An accepted request.
     *
     * @param status what was done
     * @param destination the destination relative to the root, or null when ignored
     * @param outcome completes with the download's outcome (never exceptionally)
     */
    public record Ticket(Status status, String destination, CompletableFuture<DownloadOutcome> outcome) {
    }

    /**
     * @param root the TFTP root; downloads go below it
     * @param settings timeouts, certificate checking, pool size
     * @param userAgent the User-Agent header, e.g. {@code bootproxy/1.0}
     */
    public BootFileFetcher(Path root, FetchSettings settings, String userAgent) {
        this.root = root.toAbsolutePath().normalize();
        this.settings = settings;
        this.userAgent = userAgent;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // NORMAL follows every redirect except https -> http, which would drop the
                // server authentication verify_server_cert asks for.
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(HttpClient.Builder.NO_PROXY)
                .sslContext(settings.verifyServerCert() ? defaultSsl() : trustingSsl())
                .build();
        this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.queued())), daemonThreads("tftp-fetch-"));
        this.pool.allowCoreThreadTimeOut(true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemonThreads("tftp-fetch-watchdog-"));
    }

    /**
     * Validates a fetch_boot_file request and queues its download.
     *
     * @param prefix where to put the file, relative to the root: {@code <prefix>-<basename>}, or
     *     {@code <prefix><basename>} when it ends with {@code /}
     * @param url the file to download
     * @throws FetchRefusedException 400 for a bad request, 503 when the queue is full
     */
    public Ticket submit(String prefix, String url) throws FetchRefusedException {
        if (prefix == null || prefix.isBlank()) {
            throw FetchRefusedException.badRequest("fetch_boot_file: missing parameter prefix");
        }
        if (url == null || url.isBlank()) {
            throw FetchRefusedException.badRequest("fetch_boot_file: missing parameter path");
        }
        URI uri = parseUrl(url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("nfs")) {
            LOG.info("TFTP: fetch_boot_file {}: nfs medium, nothing to download", url);
            return new Ticket(Status.IGNORED, null,
                    CompletableFuture.completedFuture(new DownloadOutcome.Skipped("nfs: nothing to download")));
        }
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("ftp")) {
            throw FetchRefusedException.badRequest("fetch_boot_file: unsupported URL scheme '" + uri.getScheme()
                    + "' in " + url + " (http, https, ftp and nfs are)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw FetchRefusedException.badRequest("fetch_boot_file: no host in URL " + url);
        }
        String relative = destination(prefix, uri, url);
        Path target = resolve(relative);
        Ticket mine = new Ticket(Status.STARTED, relative, new CompletableFuture<>());
        Ticket running = inFlight.putIfAbsent(target, mine);
        if (running != null) {
            LOG.info("TFTP: fetch_boot_file {} -> {}: already downloading, not started again", url, relative);
            return new Ticket(Status.ALREADY_RUNNING, relative, running.outcome());
        }
        try {
            pool.execute(new Download(uri, target, relative, mine));
        } catch (RejectedExecutionException e) {
            inFlight.remove(target, mine);
            throw new FetchRefusedException(503, "fetch_boot_file: " + (pool.isShutdown() ? "stopping" :
                    "too many downloads queued (" + settings.queued() + ")") + ", not fetching " + url);
        }
        LOG.debug("TFTP: fetch_boot_file {} -> {} queued", url, relative);
        return mine;
    }

    /** The destination a request names, relative to the root (upstream's {@code boot_filename}). */
    static String destination(String prefix, URI uri, String url) throws FetchRefusedException {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String base = path.substring(path.lastIndexOf('/') + 1);
        base = URLDecoder.decode(base.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (base.isEmpty()) {
            throw FetchRefusedException.badRequest("fetch_boot_file: URL " + url + " names no file");
        }
        if (base.indexOf('/') >= 0 || base.indexOf('\\') >= 0) {
            throw FetchRefusedException.badRequest("fetch_boot_file: file name of " + url + " contains a separator");
        }
        return prefix.endsWith("/") ? prefix + base : prefix + "-" + base;
    }

    private Path resolve(String relative) throws FetchRefusedException {
        String rel = relative;
        if (rel.startsWith("/")) {
            // Upstream expands the name against the root and accepts an absolute path inside it.
            Path abs = Path.of(rel).normalize();
            if (!abs.startsWith(root) || abs.equals(root) || rel.contains("/../") || rel.endsWith("/..")) {
                throw FetchRefusedException.badRequest("fetch_boot_file: destination " + relative
                        + " is outside of the TFTP root");
            }
            rel = root.relativize(abs).toString();
        }
        try {
            return AtomicFiles.resolveForWrite(root, rel).toAbsolutePath().normalize();
        } catch (PathRefusedException e) {
            throw FetchRefusedException.badRequest("fetch_boot_file: destination " + relative
                    + " refused (outside of the TFTP root or through a symlink): " + e.getMessage());
        } catch (IOException e) {
            throw new FetchRefusedException(500, "fetch_boot_file: cannot check destination " + relative + ": " + e);
        }
    }

    private static URI parseUrl(String url) throws FetchRefusedException {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw FetchRefusedException.badRequest("fetch_boot_file: invalid URL " + url + ": " + e.getReason());
        }
        if (uri.getScheme() == null || uri.isOpaque()) {
            throw FetchRefusedException.badRequest("fetch_boot_file: invalid URL " + url + ": no scheme://");
        }
        return uri;
    }

    /** Aborts running downloads (they leave nothing) and fails queued ones. Does not throw. */
    @Override
    public void close() {
        List<Runnable> queued = pool.shutdownNow();
        for (Runnable r : queued) {
            if (r instanceof Download d) {
                d.finish(new DownloadOutcome.Failed("proxy stopping", Duration.ZERO));
            }
        }
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("TFTP: fetch_boot_file downloads did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.shutdownNow();
    }

    // ---- one download

    private final class Download implements Runnable {
        private final URI uri;
        private final Path target;
        private final String relative;
        private final Ticket ticket;
        /** The submitting request's MDC (request_id), so /logs ties the outcome to Foreman's request. */
        private final Map<String, String> mdc;

        Download(URI uri, Path target, String relative, Ticket ticket) {
            this.uri = uri;
            this.target = target;
            this.relative = relative;
            this.ticket = ticket;
            this.mdc = MDC.getCopyOfContextMap();
        }

        @Override
        public void run() {
            if (mdc != null) {
                MDC.setContextMap(mdc);
            }
            try {
                download();
            } finally {
                MDC.clear();
            }
        }

        private void download() {
            long start = System.nanoTime();
            DownloadOutcome outcome;
            try {
                outcome = uri.getScheme().equalsIgnoreCase("ftp") ? fetchByUrlConnection(start) : fetchHttp(start);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = new DownloadOutcome.Failed("proxy stopping", since(start));
            } catch (IOException | RuntimeException e) {
                outcome = new DownloadOutcome.Failed(describe(e), since(start));
            }
            finish(outcome);
        }

        /** Logs and publishes the outcome; also called for queued downloads dropped at stop. */
        void finish(DownloadOutcome outcome) {
            inFlight.remove(target, ticket);
            // (Java 17: no pattern switch yet; every DownloadOutcome is handled here.)
            if (outcome instanceof DownloadOutcome.Downloaded d) {
                LOG.info("TFTP: fetch_boot_file {} -> {}: done, {} bytes in {} ms",
                        uri, relative, d.bytes(), d.duration().toMillis());
            } else if (outcome instanceof DownloadOutcome.NotModified) {
                LOG.info("TFTP: fetch_boot_file {} -> {}: not modified, kept", uri, relative);
            } else if (outcome instanceof DownloadOutcome.Failed f) {
                LOG.warn("TFTP: fetch_boot_file {} -> {}: failed after {} ms: {}",
                        uri, relative, f.duration().toMillis(), f.reason());
            } else if (outcome instanceof DownloadOutcome.Skipped s) {
                LOG.info("TFTP: fetch_boot_file {} -> {}: skipped: {}", uri, relative, s.reason());
            }
            ticket.outcome().complete(outcome);
        }

        private DownloadOutcome fetchHttp(long start) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
                    .timeout(settings.downloadTimeout())
                    .header("User-Agent", userAgent);
            Optional<FileTime> current = currentModified(target);
            current.ifPresent(t -> request.header("If-Modified-Since", HTTP_DATE.format(t.toInstant())));
            Path temp = AtomicFiles.newTempFile(target);
            try {
                // The body goes to the temp file only for a 2xx answer; WRITE without CREATE, so
                // a subscriber that outlives an aborted download cannot re-create a removed temp.
                HttpResponse.BodyHandler<Void> handler = info -> info.statusCode() / 100 == 2
                        ? BodySubscribers.mapping(BodySubscribers.ofFile(temp, StandardOpenOption.WRITE), p -> null)
                        : BodySubscribers.discarding();
                CompletableFuture<HttpResponse<Void>> call = http.sendAsync(request.build(), handler);
                HttpResponse<Void> response;
                try {
                    response = call.get(remainingNanos(start), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    call.cancel(true);
                    return new DownloadOutcome.Failed("timed out after " + settings.downloadTimeout().toMillis()
                            + " ms (download_timeout)", since(start));
                } catch (InterruptedException e) {
                    call.cancel(true);
                    throw e;
                } catch (ExecutionException e) {
                    return new DownloadOutcome.Failed(describe(e.getCause()), since(start));
                }
                int status = response.statusCode();
                if (status == 304 && current.isPresent()) {
                    return new DownloadOutcome.NotModified(since(start));
                }
                if (status / 100 != 2) {
                    return new DownloadOutcome.Failed("HTTP " + status + " from " + response.uri() + ", nothing stored",
                            since(start));
                }
                long size = Files.size(temp);
                Optional<Instant> modified = lastModified(response.headers());
                if (modified.isPresent()) {
                    Files.setLastModifiedTime(temp, FileTime.from(modified.get()));
                }
                AtomicFiles.commit(temp, target);
                return new DownloadOutcome.Downloaded(size, since(start), response.uri());
            } finally {
                Files.deleteIfExists(temp);
            }
        }

        /** FTP through the JDK's URL handler; a watchdog closes the stream at the deadline. */
        private DownloadOutcome fetchByUrlConnection(long start) throws IOException {
            Path temp = AtomicFiles.newTempFile(target);
            try {
                URLConnection c = uri.toURL().openConnection(Proxy.NO_PROXY);
                c.setConnectTimeout(millis(settings.connectTimeout()));
                c.setReadTimeout(millis(settings.downloadTimeout()));
                c.setUseCaches(false);
                long size;
                try (InputStream in = c.getInputStream();
                     OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                    ScheduledFuture<?> deadline = watchdog.schedule(() -> closeQuietly(in),
                            remainingNanos(start), TimeUnit.NANOSECONDS);
                    try {
                        size = in.transferTo(out);
                    } catch (IOException e) {
                        if (remainingNanos(start) <= 0) {
                            return new DownloadOutcome.Failed("timed out after "
                                    + settings.downloadTimeout().toMillis() + " ms (download_timeout)", since(start));
                        }
                        throw e;
                    } finally {
                        deadline.cancel(false);
                    }
                    if (remainingNanos(start) <= 0) {
                        return new DownloadOutcome.Failed("timed out after "
                                + settings.downloadTimeout().toMillis() + " ms (download_timeout)", since(start));
                    }
                }
                AtomicFiles.commit(temp, target);
                return new DownloadOutcome.Downloaded(size, since(start), uri);
            } finally {
                Files.deleteIfExists(temp);
            }
        }

        private long remainingNanos(long start) {
            return settings.downloadTimeout().toNanos() - (System.nanoTime() - start);
        }
    }

    // ---- helpers

    private static Optional<FileTime> currentModified(Path target) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Optional.of(a.lastModifiedTime()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> lastModified(HttpHeaders headers) {
        return headers.firstValue("Last-Modified").flatMap(v -> {
            try {
                return Optional.of(ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty(); // an unparsable date only costs the conditional request next time
            }
        });
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // only unblocking a reader
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static SSLContext defaultSsl() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /** verify_server_cert: false — accepts any certificate and host name (upstream used wget --no-check-certificate). */
    private static SSLContext trustingSsl() {
        TrustManager trustAll = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustAll}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context", e);
        }
    }
}
