package org.bootproxy.tftp.fetch;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fetch_boot_file against hostile or broken mirrors, all on loopback (127.0.0.1 and 127.0.0.2,
 * two "hosts"): slow and stalled mirrors (issue 14 item 5) and URLs that lead to the proxy's own
 * services (issue 15 item 7).
 */
class FetchLimitsTest {

    private static final byte[] KERNEL = "vmlinuz-".repeat(4000).getBytes(US_ASCII);

    @TempDir
    Path root;

    /** On 127.0.0.1: stands for the proxy's own services (admin connector) and for a slow mirror. */
    private HttpServer local;
    /** On 127.0.0.2: another host. */
    private HttpServer other;
    private final List<String> localRequests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<BootFileFetcher> fetchers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        local = server("127.0.0.1");
        local.createContext("/", ex -> {
            localRequests.add(ex.getRequestURI().toString());
            send(ex, "{\"deadlocks\":{\"healthy\":true}}".getBytes(US_ASCII));
        });
        other = server("127.0.0.2");
    }

    @AfterEach
    void stop() {
        release.countDown();
        fetchers.forEach(BootFileFetcher::close);
        local.stop(0);
        other.stop(0);
    }

    private static HttpServer server(String address) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 32);
        s.setExecutor(Executors.newCachedThreadPool());
        s.start();
        return s;
    }

    private static String url(HttpServer s, String host, String path) {
        return "http://" + host + ":" + s.getAddress().getPort() + path;
    }

    private static void send(HttpExchange ex, byte[] body) throws IOException {
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private BootFileFetcher fetcher(Duration connect, Duration download, AddressPolicy policy) {
        BootFileFetcher f = new BootFileFetcher(root,
                new FetchSettings(connect, download, true, FetchSettings.DEFAULT_THREADS, 16,
                        FetchSettings.DEFAULT_PER_HOST, policy), "bootproxy/test");
        fetchers.add(f);
        return f;
    }

    private static DownloadOutcome await(BootFileFetcher.Ticket t) throws Exception {
        return t.outcome().get(45, TimeUnit.SECONDS);
    }

    private List<String> filesUnderRoot() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).filter(p -> !Files.isDirectory(p))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    // ---- slow mirrors (issue 14 item 5)

    /**
     * Four downloads from a mirror sending 1 byte a second used to hold all four download threads
     * for up to download_timeout; a kernel from another mirror now goes through meanwhile.
     */
    @Test
    void slowMirror_doesNotStarveDownloadsFromAnotherHost() throws Exception {
        local.createContext("/slow/", ex -> {
            ex.sendResponseHeaders(200, 1000);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 1000 && !release.await(1, TimeUnit.SECONDS); i++) {
                    out.write('x');
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.createContext("/images/vmlinuz", ex -> send(ex, KERNEL));
        BootFileFetcher fetcher = fetcher(Duration.ofSeconds(5), Duration.ofMinutes(10),
                AddressPolicy.allowing(List.of("127.0.0.0/8")));

        List<BootFileFetcher.Ticket> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(fetcher.submit("boot/slow" + i, url(local, "127.0.0.1", "/slow/initrd" + i)));
        }
        BootFileFetcher.Ticket fast = fetcher.submit("boot/fast", url(other, "127.0.0.2", "/images/vmlinuz"));

        assertThat(await(fast)).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(root.resolve("boot/fast-vmlinuz")).hasBinaryContent(KERNEL);
        assertThat(slow).allSatisfy(t -> assertThat(t.outcome()).isNotDone());
    }

    /** A mirror that sends the headers and a few bytes, then nothing: abandoned after connect_timeout. */
    @Test
    void stalledDownload_isAbandonedAfterConnectTimeoutAndLeavesNothing() throws Exception {
        local.createContext("/stall/", ex -> {
            ex.sendResponseHeaders(200, 1_000_000);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(new byte[100]);
                out.flush();
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException | IOException e) {
                // the client went away
            }
        });
        BootFileFetcher fetcher = fetcher(Duration.ofSeconds(1), Duration.ofMinutes(10),
                AddressPolicy.allowing(List.of("127.0.0.1/32")));

        DownloadOutcome outcome = await(fetcher.submit("boot/s", url(local, "127.0.0.1", "/stall/vmlinuz")));

        assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
        assertThat(((DownloadOutcome.Failed) outcome).reason()).contains("stalled").contains("connect_timeout");
        assertThat(filesUnderRoot()).isEmpty();
    }

    // ---- the proxy's own services (issue 15 item 7)

    @Test
    void loopbackAndOtherSpecialAddresses_areRefusedAtOnceByDefault() {
        BootFileFetcher fetcher = fetcher(Duration.ofSeconds(2), Duration.ofSeconds(20), AddressPolicy.defaults());
        int port = local.getAddress().getPort();

        for (String host : List.of("127.0.0.1", "127.9.9.9", "[::1]", "[::ffff:127.0.0.1]", "169.254.169.254",
                "0.0.0.0", "224.0.0.1", "255.255.255.255", "[fe80::1]")) {
            assertThatThrownBy(() -> fetcher.submit("boot/x", "http://" + host + ":" + port + "/healthcheck"))
                    .as(host)
                    .isInstanceOf(FetchRefusedException.class)
                    .hasMessageContaining("fetch_allowed_networks")
                    .satisfies(e -> assertThat(((FetchRefusedException) e).status()).isEqualTo(400));
        }
        assertThat(localRequests).isEmpty();
    }

    @Test
    void nameResolvingToLoopback_isRefusedAfterResolution() throws Exception {
        BootFileFetcher fetcher = fetcher(Duration.ofSeconds(2), Duration.ofSeconds(20), AddressPolicy.defaults());

        DownloadOutcome outcome = await(fetcher.submit("boot/x", url(local, "localhost", "/healthcheck")));

        assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
        assertThat(((DownloadOutcome.Failed) outcome).reason()).contains("localhost").contains("loopback");
        assertThat(localRequests).isEmpty();
        assertThat(filesUnderRoot()).isEmpty();
    }

    /** A mirror that is allowed redirects to the proxy's own admin port: the redirect is refused. */
    @Test
    void redirectToLoopback_isRefused() throws Exception {
        String target = url(local, "127.0.0.1", "/healthcheck");
        other.createContext("/images/vmlinuz", ex -> {
            ex.getResponseHeaders().add("Location", target);
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        BootFileFetcher fetcher = fetcher(Duration.ofSeconds(2), Duration.ofSeconds(20),
                AddressPolicy.allowing(List.of("127.0.0.2/32")));

        DownloadOutcome outcome = await(fetcher.submit("boot/r", url(other, "127.0.0.2", "/images/vmlinuz")));

        assertThat(outcome).isInstanceOf(DownloadOutcome.Failed.class);
        assertThat(((DownloadOutcome.Failed) outcome).reason()).contains("127.0.0.1 is a loopback address");
        assertThat(localRequests).isEmpty();
        assertThat(filesUnderRoot()).isEmpty();
    }

    /** A site that mirrors on the proxy's own host lists it in fetch_allowed_networks. */
    @Test
    void allowList_letsALoopbackMirrorThrough_byNameToo() throws Exception {
        local.createContext("/images/vmlinuz", ex -> send(ex, KERNEL));
        BootFileFetcher fetcher = fetcher(Duration.ofSeconds(2), Duration.ofSeconds(20),
                AddressPolicy.allowing(List.of("127.0.0.0/8", "::1")));

        DownloadOutcome byAddress = await(fetcher.submit("boot/a", url(local, "127.0.0.1", "/images/vmlinuz")));
        DownloadOutcome byName = await(fetcher.submit("boot/n", url(local, "localhost", "/images/vmlinuz")));

        assertThat(byAddress).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(byName).isInstanceOf(DownloadOutcome.Downloaded.class);
        assertThat(root.resolve("boot/a-vmlinuz")).hasBinaryContent(KERNEL);
        assertThat(root.resolve("boot/n-vmlinuz")).hasBinaryContent(KERNEL);
    }
}
