package org.bootproxy.tftp.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;
import org.bootproxy.spi.files.PathRefusedException;
import org.bootproxy.spi.files.ServedRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.bootproxy.spi.log.LogSafe;

/**
 * fetch_boot_file: downloads kernels and initrds into the TFTP root in the background.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #submit} validates at once (parameters, scheme, destination inside the root, an
 *       IP-literal host against the address policy) and queues the download; the API answers
 *       200 as soon as it returns, as Foreman expects.</li>
 *   <li>A download lands in a temp file next to its destination ({@link ServedRoot#createTemp},
 *       relative to directories opened without following links) and is renamed over it only when
 *       complete and answered 2xx: a 404 page is never saved as a kernel, and a failed or
 *       timed-out download leaves the previous file untouched and no temp file behind.</li>
 *   <li>Addresses ({@link AddressPolicy}): the host name is resolved by the client's own
 *       resolver, which drops every refused address, so the connection (of the first request and
 *       of every redirect) only ever goes to an allowed address; the address actually connected
 *       to is checked again before the body is read. FTP connects to the checked address
 *       literally.</li>
 *   <li>HTTP(S) (Apache HttpClient 5): redirects are followed (never from https to http); when
 *       the destination exists, {@code If-Modified-Since} carries its modification time and a
 *       304 keeps it; a downloaded file gets the remote {@code Last-Modified}; bytes are stored
 *       as sent (no content decoding).</li>
 *   <li>FTP (JDK URL handler, passive mode): always downloaded again, no conditional request.</li>
 *   <li>{@code nfs://}: accepted and ignored (the installer mounts the medium itself).</li>
 *   <li>One download per destination at a time: a request for a destination already being
 *       downloaded from the same URL joins it; from a different URL it is refused with 409
 *       (the caller retries once the running download has ended).</li>
 *   <li>Slow mirrors do not starve the others: at most {@link FetchSettings#perHost} downloads
 *       from one host run at once (the others of that host wait without holding a thread), and
 *       a download that receives no byte for {@code connect_timeout} is abandoned.</li>
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
    private final CloseableHttpClient http;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService watchdog;
    private final ConcurrentMap<String, Running> inFlight = new ConcurrentHashMap<>();
    /** Per host: downloads running, and those waiting for a slot (guarded by itself). */
    private final Map<String, HostSlots> hosts = new HashMap<>();

    /** What {@link #submit} did with a request. */
    public enum Status {
        /** A new download was queued. */
        STARTED,
        /** The destination is already being downloaded from the same URL; the request joined that download. */
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

    private record Running(URI uri, Ticket ticket) {
    }

    private static final class HostSlots {
        int running;
        final ArrayDeque<Download> waiting = new ArrayDeque<>();
    }

    /** A host name that resolves to no address the policy allows. */
    static final class AddressRefusedException extends UnknownHostException {
        AddressRefusedException(String message) {
            super(message);
        }
    }

    /**
     * @param root the TFTP root; downloads go below it
     * @param settings timeouts, certificate checking, pool size, address policy
     * @param userAgent the User-Agent header, e.g. {@code bootproxy/1.0}
     */
    public BootFileFetcher(Path root, FetchSettings settings, String userAgent) {
        this.root = root.toAbsolutePath().normalize();
        this.settings = settings;
        Timeout connect = Timeout.of(settings.connectTimeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new CheckedResolver())
                        .setTlsSocketStrategy(settings.verifyServerCert()
                                ? new DefaultClientTlsStrategy(defaultSsl())
                                : new DefaultClientTlsStrategy(trustingSsl(), NoopHostnameVerifier.INSTANCE))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect)
                                // the stall timeout: no byte for connect_timeout ends the download
                                .setSocketTimeout(connect)
                                .build())
                        .setMaxConnTotal(settings.threads() * 2)
                        .setMaxConnPerRoute(settings.threads())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(true)
                        .setMaxRedirects(10)
                        .setResponseTimeout(connect)
                        .build())
                .setRedirectStrategy(new NoDowngradeRedirects())
                .setUserAgent(userAgent)
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
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
     * @throws FetchRefusedException 400 for a bad request, 409 when the destination is being
     *     downloaded from another URL, 503 when the queue is full
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
            LOG.info("TFTP: fetch_boot_file {}: nfs medium, nothing to download", LogSafe.escape(url));
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
        refuseLiteral(uri, url);
        String relative = destination(prefix, uri, url);
        String target = resolve(relative);
        Ticket mine = new Ticket(Status.STARTED, target, new CompletableFuture<>());
        Running running = inFlight.putIfAbsent(target, new Running(uri, mine));
        if (running != null) {
            if (!running.uri().equals(uri)) {
                throw new FetchRefusedException(409, "fetch_boot_file: " + target + " is being downloaded from "
                        + running.uri() + "; not fetching " + url + " into it until that ends");
            }
            LOG.info("TFTP: fetch_boot_file {} -> {}: already downloading, not started again", LogSafe.escape(url), LogSafe.escape(target));
            return new Ticket(Status.ALREADY_RUNNING, target, running.ticket().outcome());
        }
        if (inFlight.size() > settings.threads() + settings.queued()) {
            inFlight.remove(target);
            throw new FetchRefusedException(503, "fetch_boot_file: too many downloads queued ("
                    + settings.queued() + "), not fetching " + url);
        }
        Download d = new Download(uri, target, mine);
        try {
            pool.execute(d);
        } catch (RejectedExecutionException e) {
            inFlight.remove(target);
            throw new FetchRefusedException(503, "fetch_boot_file: " + (pool.isShutdown() ? "stopping" :
                    "too many downloads queued (" + settings.queued() + ")") + ", not fetching " + url);
        }
        LOG.debug("TFTP: fetch_boot_file {} -> {} queued", url, target);
        return mine;
    }

    /** A host given as an IP literal is judged at once, without waiting for the download. */
    private void refuseLiteral(URI uri, String url) throws FetchRefusedException {
        String host = uri.getHost();
        boolean literal = host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!literal) {
            return;
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(host); // a literal: no DNS look-up
        } catch (UnknownHostException e) {
            throw FetchRefusedException.badRequest("fetch_boot_file: invalid host in URL " + url);
        }
        Optional<String> why = settings.addresses().refusal(a);
        if (why.isPresent()) {
            throw FetchRefusedException.badRequest("fetch_boot_file: refusing " + url + ": " + a.getHostAddress()
                    + " is " + article(why.get()) + " (see fetch_allowed_networks)");
        }
    }

    private static String article(String reason) {
        return reason.startsWith("an ") ? reason : "a " + reason;
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

    /**
     * The destination as a normalized path below the root, checked by the served-root rules
     * (the download itself writes relative to opened directories, whatever changes meanwhile).
     */
    private String resolve(String relative) throws FetchRefusedException {
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
            String normalized = String.join("/", ServedRoot.segments(rel));
            Files.createDirectories(root);
            ServedRoot.of(root).check(normalized);
            return normalized;
        } catch (PathRefusedException e) {
            switch (e.reason()) {
                case NOT_FOUND, NOT_REGULAR -> {
                    // not there yet (the download creates it), or replaced by the rename
                    try {
                        return String.join("/", ServedRoot.segments(rel));
                    } catch (PathRefusedException impossible) {
                        throw new IllegalStateException(impossible);
                    }
                }
                case DIRECTORY -> throw FetchRefusedException.badRequest("fetch_boot_file: destination " + relative
                        + " is a directory");
                case INVALID, SYMLINK -> throw FetchRefusedException.badRequest("fetch_boot_file: destination "
                        + relative + " refused (outside of the TFTP root or through a symlink): " + e.getMessage());
            }
            throw new IllegalStateException("unreachable");
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
        List<Download> waiting = new ArrayList<>();
        synchronized (hosts) {
            for (HostSlots h : hosts.values()) {
                waiting.addAll(h.waiting);
                h.waiting.clear();
            }
        }
        for (Runnable r : queued) {
            if (r instanceof Download d) {
                waiting.add(d);
            }
        }
        for (Download d : waiting) {
            d.finish(new DownloadOutcome.Failed("proxy stopping", Duration.ZERO));
        }
        try {
            http.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
        } catch (RuntimeException e) {
            LOG.debug("TFTP: fetch_boot_file: closing the HTTP client: {}", e.toString());
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

    // ---- addresses and redirects

    /** Resolves with the system resolver and drops every address the policy refuses. */
    private final class CheckedResolver implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            InetAddress[] all = SystemDefaultDnsResolver.INSTANCE.resolve(host);
            List<InetAddress> allowed = new ArrayList<>();
            String refused = null;
            for (InetAddress a : all) {
                Optional<String> why = settings.addresses().refusal(a);
                if (why.isEmpty()) {
                    allowed.add(a);
                } else if (refused == null) {
                    refused = a.getHostAddress() + " is " + article(why.get());
                }
            }
            if (allowed.isEmpty()) {
                throw new AddressRefusedException("refusing to connect to " + host + ": " + refused
                        + " (see fetch_allowed_networks)");
            }
            return allowed.toArray(new InetAddress[0]);
        }

        @Override
        public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
            List<InetSocketAddress> out = new ArrayList<>();
            for (InetAddress a : resolve(host)) {
                out.add(new InetSocketAddress(a, port));
            }
            return out;
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
        }
    }

    /** Follows redirects as the default strategy does, but never from https to http, nor to another scheme. */
    private static final class NoDowngradeRedirects extends DefaultRedirectStrategy {
        @Override
        public URI getLocationURI(HttpRequest request, HttpResponse response, HttpContext context)
                throws HttpException {
            URI next = super.getLocationURI(request, response, context);
            String to = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!to.equals("http") && !to.equals("https")) {
                throw new ProtocolException("redirect to " + next + " refused: only http and https are followed");
            }
            if ("https".equalsIgnoreCase(request.getScheme()) && to.equals("http")) {
                throw new ProtocolException("redirect from https to " + next + " refused (it would drop the"
                        + " server authentication verify_server_cert asks for)");
            }
            return next;
        }
    }

    // ---- one download

    private final class Download implements Runnable {
        private final URI uri;
        private final String target;
        private final String host;
        private final Ticket ticket;
        /** The submitting request's MDC (request_id), so /logs ties the outcome to Foreman's request. */
        private final Map<String, String> mdc;

        Download(URI uri, String target, Ticket ticket) {
            this.uri = uri;
            this.target = target;
            this.host = uri.getHost().toLowerCase(Locale.ROOT);
            this.ticket = ticket;
            this.mdc = MDC.getCopyOfContextMap();
        }

        @Override
        public void run() {
            Download next = this;
            while (next != null) {
                if (!next.takeSlot()) {
                    return; // parked: a download of the same host hands it on when it ends
                }
                next.runHere();
                next = next.releaseSlot();
            }
        }

        /** Takes one of the host's slots, or parks this download behind the running ones. */
        private boolean takeSlot() {
            synchronized (hosts) {
                HostSlots h = hosts.computeIfAbsent(host, k -> new HostSlots());
                if (h.running >= settings.perHost()) {
                    h.waiting.add(this);
                    return false;
                }
                h.running++;
                return true;
            }
        }

        /** Gives the slot back and returns the host's next waiting download, which this thread runs. */
        private Download releaseSlot() {
            synchronized (hosts) {
                HostSlots h = hosts.get(host);
                h.running--;
                Download next = pool.isShutdown() ? null : h.waiting.poll();
                if (h.running == 0 && h.waiting.isEmpty()) {
                    hosts.remove(host);
                }
                return next;
            }
        }

        private void runHere() {
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
                ServedRoot served = ServedRoot.of(root);
                outcome = uri.getScheme().equalsIgnoreCase("ftp")
                        ? fetchByUrlConnection(served, start) : fetchHttp(served, start);
            } catch (AddressRefusedException e) {
                outcome = new DownloadOutcome.Failed(e.getMessage(), since(start));
            } catch (SocketTimeoutException e) {
                outcome = new DownloadOutcome.Failed("stalled: no data for " + settings.connectTimeout().toMillis()
                        + " ms (connect_timeout)", since(start));
            } catch (PathRefusedException e) {
                outcome = new DownloadOutcome.Failed("destination refused: " + e.getMessage(), since(start));
            } catch (IOException | RuntimeException e) {
                outcome = new DownloadOutcome.Failed(describe(e), since(start));
            }
            finish(outcome);
        }

        /** Logs and publishes the outcome; also called for queued downloads dropped at stop. */
        void finish(DownloadOutcome outcome) {
            inFlight.remove(target);
            // (Java 17: no pattern switch yet; every DownloadOutcome is handled here.)
            if (outcome instanceof DownloadOutcome.Downloaded d) {
                LOG.info("TFTP: fetch_boot_file {} -> {}: done, {} bytes in {} ms",
                        uri, LogSafe.escape(target), d.bytes(), d.duration().toMillis());
            } else if (outcome instanceof DownloadOutcome.NotModified) {
                LOG.info("TFTP: fetch_boot_file {} -> {}: not modified, kept", uri, LogSafe.escape(target));
            } else if (outcome instanceof DownloadOutcome.Failed f) {
                LOG.warn("TFTP: fetch_boot_file {} -> {}: failed after {} ms: {}",
                        uri, LogSafe.escape(target), f.duration().toMillis(), LogSafe.escape(f.reason()));
            } else if (outcome instanceof DownloadOutcome.Skipped s) {
                LOG.info("TFTP: fetch_boot_file {} -> {}: skipped: {}", uri, LogSafe.escape(target), LogSafe.escape(s.reason()));
            }
            ticket.outcome().complete(outcome);
        }

        private DownloadOutcome fetchHttp(ServedRoot served, long start) throws IOException, PathRefusedException {
            HttpGet get = new HttpGet(uri);
            Optional<FileTime> current = currentModified(served, target);
            current.ifPresent(t -> get.setHeader("If-Modified-Since", HTTP_DATE.format(t.toInstant())));
            HttpClientContext context = HttpClientContext.create();
            AtomicBoolean timedOut = new AtomicBoolean();
            ScheduledFuture<?> deadline = watchdog.schedule(() -> {
                timedOut.set(true);
                get.cancel();
            }, remainingNanos(start), TimeUnit.NANOSECONDS);
            ClassicHttpResponse response = null;
            try {
                response = http.executeOpen(null, get, context);
                checkConnectedAddress(context);
                URI finalUri = finalUri(context);
                int status = response.getCode();
                if (status == 304 && current.isPresent()) {
                    return new DownloadOutcome.NotModified(since(start));
                }
                if (status / 100 != 2) {
                    get.cancel(); // do not read the error page
                    return new DownloadOutcome.Failed("HTTP " + status + " from " + finalUri + ", nothing stored",
                            since(start));
                }
                HttpEntity entity = response.getEntity();
                long size;
                try (ServedRoot.TempFile temp = served.createTemp(target)) {
                    if (entity != null) {
                        try (InputStream in = entity.getContent()) {
                            size = in.transferTo(Channels.newOutputStream(temp.channel()));
                        }
                    } else {
                        size = 0;
                    }
                    if (timedOut.get()) {
                        return timedOut(start);
                    }
                    temp.commit(lastModified(response).map(FileTime::from).orElse(null));
                }
                return new DownloadOutcome.Downloaded(size, since(start), finalUri);
            } catch (IOException e) {
                if (timedOut.get()) {
                    return timedOut(start);
                }
                throw e;
            } finally {
                deadline.cancel(false);
                if (response != null) {
                    try {
                        response.close();
                    } catch (IOException e) {
                        // an aborted answer (an error page not read): the outcome is decided
                    }
                }
            }
        }

        /** Defense in depth: the address the connection went to, as the resolver should have ensured. */
        private void checkConnectedAddress(HttpClientContext context) throws AddressRefusedException {
            EndpointDetails endpoint = context.getEndpointDetails();
            SocketAddress remote = endpoint == null ? null : endpoint.getRemoteAddress();
            if (remote instanceof InetSocketAddress isa && isa.getAddress() != null) {
                Optional<String> why = settings.addresses().refusal(isa.getAddress());
                if (why.isPresent()) {
                    throw new AddressRefusedException("connected to " + isa.getAddress().getHostAddress() + ", "
                            + article(why.get()) + ": not stored (see fetch_allowed_networks)");
                }
            }
        }

        private URI finalUri(HttpClientContext context) {
            var redirects = context.getRedirectLocations();
            if (redirects == null || redirects.size() == 0) {
                return uri;
            }
            List<URI> all = redirects.getAll();
            return all.get(all.size() - 1);
        }

        private DownloadOutcome timedOut(long start) {
            return new DownloadOutcome.Failed("timed out after " + settings.downloadTimeout().toMillis()
                    + " ms (download_timeout)", since(start));
        }

        /**
         * FTP through the JDK's URL handler, connecting to a checked address literally (so no
         * second look-up can lead elsewhere); a watchdog closes the stream at the deadline.
         */
        private DownloadOutcome fetchByUrlConnection(ServedRoot served, long start)
                throws IOException, PathRefusedException {
            InetAddress address = new CheckedResolver().resolve(uri.getHost())[0];
            URI literal;
            try {
                literal = new URI(uri.getScheme(), uri.getRawUserInfo() == null ? null : uri.getUserInfo(),
                        address.getHostAddress(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
            } catch (URISyntaxException e) {
                throw new IOException("cannot address " + uri + " by " + address.getHostAddress(), e);
            }
            URLConnection c = literal.toURL().openConnection(Proxy.NO_PROXY);
            c.setConnectTimeout(millis(settings.connectTimeout()));
            c.setReadTimeout(millis(settings.connectTimeout())); // the stall timeout
            c.setUseCaches(false);
            try (ServedRoot.TempFile temp = served.createTemp(target)) {
                long size;
                // the temp file's channel stays open for commit, which fsyncs and closes it
                OutputStream out = Channels.newOutputStream(temp.channel());
                try (InputStream in = c.getInputStream()) {
                    ScheduledFuture<?> deadline = watchdog.schedule(() -> closeQuietly(in),
                            remainingNanos(start), TimeUnit.NANOSECONDS);
                    try {
                        size = in.transferTo(out);
                    } catch (IOException e) {
                        if (remainingNanos(start) <= 0) {
                            return timedOut(start);
                        }
                        throw e;
                    } finally {
                        deadline.cancel(false);
                    }
                    if (remainingNanos(start) <= 0) {
                        return timedOut(start);
                    }
                }
                temp.commit(null);
                return new DownloadOutcome.Downloaded(size, since(start), uri);
            }
        }

        private long remainingNanos(long start) {
            return settings.downloadTimeout().toNanos() - (System.nanoTime() - start);
        }
    }

    // ---- helpers

    /** The destination's modification time, for If-Modified-Since; empty when there is no regular file. */
    private static Optional<FileTime> currentModified(ServedRoot served, String target) throws IOException {
        try {
            return Optional.of(served.check(target).lastModified());
        } catch (PathRefusedException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> lastModified(ClassicHttpResponse response) {
        Header h = response.getFirstHeader("Last-Modified");
        if (h == null || h.getValue() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZonedDateTime.parse(h.getValue().trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty(); // an unparsable date only costs the conditional request next time
        }
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
