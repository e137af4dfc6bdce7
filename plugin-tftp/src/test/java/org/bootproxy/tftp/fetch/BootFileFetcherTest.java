package org.bootproxy.tftp.fetch;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fetch_boot_file against a real HTTP server on loopback (the JDK's com.sun.net.httpserver): every
 * outcome, what is stored, what the server saw.
 */
class BootFileFetcherTest {

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final byte[] KERNEL = "MZ-this-is-a-kernel".repeat(5000).getBytes(US_ASCII);
    /** The test servers are on loopback, which the default policy refuses: a local mirror's allow-list. */
    static final AddressPolicy LOOPBACK_MIRROR = AddressPolicy.allowing(List.of("127.0.0.0/8", "::1/128"));

    @TempDir
    Path root;

    private HttpServer server;
    private String base;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> ifModifiedSince = new CopyOnWriteArrayList<>();
    private BootFileFetcher fetcher;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        fetcher = fetcher(Duration.ofSeconds(10), true);
    }

    @AfterEach
    void stop() {
        fetcher.close();
        server.stop(0);
    }

    private BootFileFetcher fetcher(Duration downloadTimeout, boolean verify) {
        return new BootFileFetcher(root, new FetchSettings(Duration.ofSeconds(2), downloadTimeout, verify, 2, 8)
                        .withAddresses(LOOPBACK_MIRROR),
                "bootproxy/test");
    }

    /** Serves {@code body} with a Last-Modified, answering 304 when If-Modified-Since is not older. */
    private void serveFile(String path, byte[] body, Instant lastModified) {
        server.createContext(path, recording(ex -> {
            String ims = ex.getRequestHeaders().getFirst("If-Modified-Since");
            if (ims != null) {
                ifModifiedSince.add(ims);
                Instant since = ZonedDateTime.parse(ims, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                if (!lastModified.truncatedTo(ChronoUnit.SECONDS).isAfter(since)) {
                    ex.sendResponseHeaders(304, -1);
                    ex.close();
                    return;
                }
            }
            ex.getResponseHeaders().add("Last-Modified", HTTP_DATE.format(lastModified));
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }));
    }

    private HttpHandler recording(HttpHandler h) {
        return ex -> {
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            h.handle(ex);
        };
    }

    private static DownloadOutcome await(BootFileFetcher.Ticket t) throws Exception {
        return t.outcome().get(30, TimeUnit.SECONDS);
    }

    private List<String> filesUnderRoot() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void ok_downloadsIntoPrefixedNameAndKeepsRemoteModificationTime() throws Exception {
        Instant modified = Instant.parse("2026-03-04T05:06:07Z");
        serveFile("/images/pxeboot/vmlinuz", KERNEL, modified);

        BootFileFetcher.Ticket t = fetcher.submit("boot/centos-mirror-abc", base + "/images/pxeboot/vmlinuz");
        DownloadOutcome outcome = await(t);

        assertThat(t.status()).isEqualTo(BootFileFetcher.Status.STARTED);
        assertThat(t.destination()).isEqualTo("boot/centos-mirror-abc-vmlinuz");
        assertThat(outcome).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(((DownloadOutcome.Downloaded) outcome).bytes()).isEqualTo(KERNEL.length);
        Path file = root.resolve("boot/centos-mirror-abc-vmlinuz");
        assertThat(Files.readAllBytes(file)).isEqualTo(KERNEL);
        assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(modified);
        assertThat(filesUnderRoot()).containsExactly("boot/centos-mirror-abc-vmlinuz");
        assertThat(ifModifiedSince).isEmpty();
    }

    @Test
    void prefixEndingInSlash_isADirectory() throws Exception {
        serveFile("/initrd.img", KERNEL, Instant.parse("2026-01-01T00:00:00Z"));

        BootFileFetcher.Ticket t = fetcher.submit("boot/debian-12/", base + "/initrd.img");
        assertThat(await(t)).isInstanceOf(DownloadOutcome.Downloaded.class);

        assertThat(filesUnderRoot()).containsExactly("boot/debian-12/initrd.img");
    }

    @Test
    void existingCurrentFile_sendsIfModifiedSinceAndKeepsFileOn304() throws Exception {
        Instant modified = Instant.parse("2026-03-04T05:06:07Z");
        serveFile("/vmlinuz", KERNEL, modified);
        Path file = root.resolve("boot/x-vmlinuz");
        Files.createDirectories(file.getParent());
        Files.write(file, "what we already have".getBytes(US_ASCII));
        Files.setLastModifiedTime(file, FileTime.from(modified));

        DownloadOutcome outcome = await(fetcher.submit("boot/x", base + "/vmlinuz"));

        assertThat(outcome).isInstanceOf(DownloadOutcome.NotModified.class);
        assertThat(ifModifiedSince).containsExactly("Wed, 04 Mar 2026 05:06:07 GMT");
        assertThat(Files.readString(file)).isEqualTo("what we already have");
        assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(modified);
        assertThat(filesUnderRoot()).containsExactly("boot/x-vmlinuz");
    }

    @Test
    void existingOlderFile_isReplacedWhenRemoteIsNewer() throws Exception {
        Instant remote = Instant.parse("2026-05-01T00:00:00Z");
        serveFile("/vmlinuz", KERNEL, remote);
        Path file = root.resolve("boot/x-vmlinuz");
        Files.createDirectories(file.getParent());
        Files.write(file, "old kernel".getBytes(US_ASCII));
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));

        DownloadOutcome outcome = await(fetcher.submit("boot/x", base + "/vmlinuz"));

        assertThat(outcome).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(ifModifiedSince).containsExactly("Thu, 01 Jan 2026 00:00:00 GMT");
        assertThat(Files.readAllBytes(file)).isEqualTo(KERNEL);
        assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(remote);
    }

    @Test
    void notFound_storesNothingAndKeepsPreviousFile() throws Exception {
        server.createContext("/", recording(ex -> {
            byte[] page = "<html>404 Not Found</html>".getBytes(US_ASCII);
            ex.sendResponseHeaders(404, page.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(page);
            }
        }));
        Path existing = root.resolve("boot/x-vmlinuz");
        Files.createDirectories(existing.getParent());
        Files.write(existing, KERNEL);

        DownloadOutcome missing = await(fetcher.submit("boot/y", base + "/vmlinuz"));
        DownloadOutcome replaced = await(fetcher.submit("boot/x", base + "/vmlinuz"));

        assertThat(missing).isInstanceOf(DownloadOutcome.Failed.class);
        assertThat(((DownloadOutcome.Failed) missing).reason()).contains("HTTP 404");
        assertThat(replaced).isInstanceOf(DownloadOutcome.Failed.class);
        assertThat(Files.readAllBytes(existing)).isEqualTo(KERNEL);
        assertThat(filesUnderRoot()).containsExactly("boot/x-vmlinuz");
    }

    @Test
    void redirect_isFollowed() throws Exception {
        serveFile("/real/vmlinuz", KERNEL, Instant.parse("2026-01-01T00:00:00Z"));
        server.createContext("/mirror/vmlinuz", recording(ex -> {
            ex.getResponseHeaders().add("Location", base + "/real/vmlinuz");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        }));

        DownloadOutcome outcome = await(fetcher.submit("boot/r", base + "/mirror/vmlinuz"));

        assertThat(outcome).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(((DownloadOutcome.Downloaded) outcome).finalUri().getPath()).isEqualTo("/real/vmlinuz");
        assertThat(requests).containsExactly("GET /mirror/vmlinuz", "GET /real/vmlinuz");
        // the name comes from the URL Foreman asked for, not from where it was redirected
        assertThat(Files.readAllBytes(root.resolve("boot/r-vmlinuz"))).isEqualTo(KERNEL);
    }

    @Test
    void slowServer_timesOutAndLeavesNothing() throws Exception {
        fetcher.close();
        fetcher = fetcher(Duration.ofMillis(700), true);
        CountDownLatch release = new CountDownLatch(1);
        server.createContext("/slow", recording(ex -> {
            ex.sendResponseHeaders(200, KERNEL.length);
            OutputStream out = ex.getResponseBody();
            out.write(KERNEL, 0, 100);
            out.flush();
            try {
                release.await(20, TimeUnit.SECONDS); // the rest never comes in time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        }));

        try {
            DownloadOutcome outcome = await(fetcher.submit("boot/s", base + "/slow"));

            assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
            assertThat(((DownloadOutcome.Failed) outcome).reason()).contains("timed out");
            assertThat(filesUnderRoot()).isEmpty();
        } finally {
            release.countDown();
        }
    }

    @Test
    void serverThatNeverAnswers_timesOutAndLeavesNothing() throws Exception {
        fetcher.close();
        fetcher = fetcher(Duration.ofMillis(500), true);
        CountDownLatch release = new CountDownLatch(1);
        server.createContext("/mute", recording(ex -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        }));

        try {
            DownloadOutcome outcome = await(fetcher.submit("boot/m", base + "/mute"));
            assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
            assertThat(((DownloadOutcome.Failed) outcome).reason()).contains("timed out");
        } finally {
            release.countDown();
        }
        Thread.sleep(200); // let a late response reach the client: it must not re-create a temp file
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void truncatedBody_storesNothing() throws Exception {
        server.createContext("/short", recording(ex -> {
            ex.sendResponseHeaders(200, KERNEL.length);
            OutputStream out = ex.getResponseBody();
            out.write(KERNEL, 0, 1000);
            out.flush();
            // closing the exchange early cuts the connection before Content-Length bytes
            ex.close();
        }));

        DownloadOutcome outcome = await(fetcher.submit("boot/t", base + "/short"));

        assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void secondRequestForSameDestination_joinsTheRunningDownloadOrIsRefusedWith409ForAnotherUrl() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/big", recording(ex -> {
            hits.incrementAndGet();
            arrived.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, KERNEL.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(KERNEL);
            }
        }));

        BootFileFetcher.Ticket first = fetcher.submit("boot/b", base + "/big");
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        BootFileFetcher.Ticket second = fetcher.submit("boot/b", base + "/big");
        BootFileFetcher.Ticket sameFileOtherSpelling = fetcher.submit("boot//b", base + "/big");
        // the same destination from another URL is refused while the first runs (it was silently dropped)
        assertThatThrownBy(() -> fetcher.submit("boot/b", base + "/other/big"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("boot/b-big is being downloaded from " + base + "/big")
                .satisfies(e -> assertThat(((FetchRefusedException) e).status()).isEqualTo(409));
        release.countDown();

        assertThat(first.status()).isEqualTo(BootFileFetcher.Status.STARTED);
        assertThat(second.status()).isEqualTo(BootFileFetcher.Status.ALREADY_RUNNING);
        assertThat(sameFileOtherSpelling.status()).isEqualTo(BootFileFetcher.Status.ALREADY_RUNNING);
        assertThat(await(second)).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(await(first)).isSameAs(await(second));
        assertThat(hits).hasValue(1);

        // once finished, the same destination can be fetched again
        BootFileFetcher.Ticket third = fetcher.submit("boot/b", base + "/big");
        assertThat(third.status()).isEqualTo(BootFileFetcher.Status.STARTED);
        assertThat(await(third)).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(hits).hasValue(2);
    }

    @Test
    void fullQueue_isRefusedWith503() throws Exception {
        fetcher.close();
        fetcher = new BootFileFetcher(root, new FetchSettings(Duration.ofSeconds(2), Duration.ofSeconds(20), true, 1, 1)
                        .withAddresses(LOOPBACK_MIRROR),
                "bootproxy/test");
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.createContext("/q", recording(ex -> {
            arrived.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, 1);
            try (OutputStream out = ex.getResponseBody()) {
                out.write('x');
            }
        }));
        try {
            BootFileFetcher.Ticket running = fetcher.submit("boot/1", base + "/q");
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            BootFileFetcher.Ticket queued = fetcher.submit("boot/2", base + "/q");

            assertThatThrownBy(() -> fetcher.submit("boot/3", base + "/q"))
                    .isInstanceOf(FetchRefusedException.class)
                    .hasMessageContaining("too many downloads queued")
                    .satisfies(e -> assertThat(((FetchRefusedException) e).status()).isEqualTo(503));

            release.countDown();
            assertThat(await(running)).isInstanceOf(DownloadOutcome.Downloaded.class);
            assertThat(await(queued)).isInstanceOf(DownloadOutcome.Downloaded.class);
            assertThat(filesUnderRoot()).containsExactly("boot/1-q", "boot/2-q");
        } finally {
            release.countDown();
        }
    }

    @Test
    void nfs_isAcceptedAndIgnored() throws Exception {
        BootFileFetcher.Ticket t = fetcher.submit("boot/n", "nfs://192.0.2.1:/srv/media/images/pxeboot/vmlinuz");

        assertThat(t.status()).isEqualTo(BootFileFetcher.Status.IGNORED);
        assertThat(await(t)).isInstanceOf(DownloadOutcome.Skipped.class);
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void refusesBadRequestsAtOnce() {
        assertRefused(null, base + "/vmlinuz", "missing parameter prefix");
        assertRefused("boot/x", null, "missing parameter path");
        assertRefused("boot/x", "gopher://192.0.2.1/vmlinuz", "unsupported URL scheme 'gopher'");
        assertRefused("boot/x", "file:///etc/shadow", "unsupported URL scheme 'file'");
        assertRefused("boot/x", "http://[bad/vmlinuz", "invalid URL");
        assertRefused("boot/x", "vmlinuz", "invalid URL");
        assertRefused("boot/x", base + "/images/", "names no file");
        assertRefused("../outside", base + "/vmlinuz", "destination ../outside-vmlinuz");
        assertRefused("boot/../../outside", base + "/vmlinuz", "destination boot/../../outside-vmlinuz");
        assertRefused("/etc/cron.d/x", base + "/vmlinuz", "outside of the TFTP root");
        assertThat(requests).isEmpty();
    }

    @Test
    void absolutePrefixInsideTheRoot_isAccepted() throws Exception {
        serveFile("/vmlinuz", KERNEL, Instant.parse("2026-01-01T00:00:00Z"));

        BootFileFetcher.Ticket t = fetcher.submit(root.toAbsolutePath() + "/boot/abs", base + "/vmlinuz");

        assertThat(await(t)).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(filesUnderRoot()).containsExactly("boot/abs-vmlinuz");
    }

    @Test
    void destinationThroughSymlink_isRefused() throws Exception {
        Path outside = Files.createTempDirectory("outside");
        try {
            Files.createSymbolicLink(root.resolve("boot"), outside);
            assertRefused("boot/x", base + "/vmlinuz", "symbolic link");
            assertThat(outside).isEmptyDirectory();
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void https_verifiesTheServerCertificateUnlessTold(@TempDir Path keys) throws Exception {
        HttpsServer https = httpsServer(keys);
        try {
            https.createContext("/vmlinuz", ex -> {
                ex.sendResponseHeaders(200, KERNEL.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(KERNEL);
                }
            });
            String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/vmlinuz";

            DownloadOutcome verified = await(fetcher.submit("boot/v", url));
            assertThat(verified).isInstanceOf(DownloadOutcome.Failed.class);
            assertThat(filesUnderRoot()).isEmpty();

            try (BootFileFetcher lax = fetcher(Duration.ofSeconds(10), false)) {
                DownloadOutcome unverified = await(lax.submit("boot/v", url));
                assertThat(unverified).isInstanceOf(DownloadOutcome.Downloaded.class);
            }
            assertThat(Files.readAllBytes(root.resolve("boot/v-vmlinuz"))).isEqualTo(KERNEL);
        } finally {
            https.stop(0);
        }
    }

    @Test
    void close_abortsRunningDownloadAndLeavesNothing() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server.createContext("/hang", recording(ex -> {
            ex.sendResponseHeaders(200, KERNEL.length);
            OutputStream out = ex.getResponseBody();
            out.write(KERNEL, 0, 10);
            out.flush();
            arrived.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        }));
        try {
            BootFileFetcher.Ticket t = fetcher.submit("boot/h", base + "/hang");
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

            fetcher.close();

            assertThat(t.outcome()).isDone();
            assertThat(await(t)).isInstanceOf(DownloadOutcome.Failed.class);
            assertThat(filesUnderRoot()).isEmpty();
            assertThatThrownBy(() -> fetcher.submit("boot/h2", base + "/hang"))
                    .isInstanceOf(FetchRefusedException.class)
                    .satisfies(e -> assertThat(((FetchRefusedException) e).status()).isEqualTo(503));
        } finally {
            release.countDown();
        }
    }

    private void assertRefused(String prefix, String url, String messagePart) {
        assertThatThrownBy(() -> fetcher.submit(prefix, url))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((FetchRefusedException) e).status()).isEqualTo(400));
    }

    /** An HTTPS server on loopback with a self-signed certificate made by keytool. */
    private static HttpsServer httpsServer(Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), US_ASCII);
        assertThat(p.waitFor()).as(out).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(ks.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx));
        https.start();
        return https;
    }
}
