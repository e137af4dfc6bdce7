package org.bootproxy.httpboot.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bootproxy.httpboot.Attacks;
import org.bootproxy.httpboot.Curl;
import org.bootproxy.httpboot.RawHttp;
import org.bootproxy.httpboot.TestTree;
import org.bootproxy.httpboot.api.AccessLog;
import org.bootproxy.httpboot.api.HttpBootMetrics;
import org.bootproxy.httpboot.serve.FileService;
import org.bootproxy.httpboot.serve.MappedFiles;
import org.bootproxy.httpboot.serve.RootDir;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Jetty core fast path on a plain Jetty server, in front of a stand-in for the rest of the
 * application that answers everything else with the core's 404 text.
 */
class HttpBootHandlerTest {

    static final TestTree TREE = new TestTree();
    static final MetricRegistry METRICS = new MetricRegistry();
    static Server server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        Files.createSymbolicLink(TREE.root.resolve("link-outside.txt"), TREE.base.resolve("canary.txt"));
        Files.createSymbolicLink(TREE.root.resolve("evil-dir"), TREE.base.resolve("root-evil"));
        Process mkfifo = new ProcessBuilder("mkfifo", TREE.root.resolve("fifo.efi").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        HttpBootHandler handler = new HttpBootHandler(
                new FileService(new RootDir(TREE.root), new MappedFiles(8, 1 << 30)),
                new AccessLog(new HttpBootMetrics(METRICS, "httpboot")), true, false);
        Handler rest = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(404);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
                Content.Sink.write(response, true, "Requested url was not found", callback);
                return true;
            }
        };
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Sequence(handler, rest));
        server.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        TREE.delete();
    }

    static Stream<String> attacks() {
        return Attacks.traversal(TREE.base).stream();
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void attack_isRefusedAndNeverLeaksOutsideTheRoot(String target) throws Exception {
        RawHttp.Reply r = RawHttp.get(port, target);

        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).doesNotContain(TREE.canary)
                .doesNotContain("root:x:0:0").doesNotContain("set timeout");
        assertThat(r.status()).as("status of %s", target).isIn(400, 403, 404);
    }

    @Test
    void efiPath_andLargeFile_areServedByteForByte() throws Exception {
        RawHttp.Reply efi = RawHttp.get(port, "/EFI/BOOT/BOOTX64.EFI");
        Curl.Result big = Curl.run(TREE.base, "http://127.0.0.1:" + port + "/httpboot/big.img");

        assertThat(efi.status()).isEqualTo(200);
        assertThat(efi.body()).isEqualTo(TREE.bootx64);
        assertThat(efi.header("content-type")).isEqualTo("application/octet-stream");
        assertThat(big.status()).isEqualTo(200);
        assertThat(big.body()).isEqualTo(TREE.big);
        assertThat(big.header("etag")).isNotNull();
        assertThat(big.header("accept-ranges")).isEqualTo("bytes");
    }

    @Test
    void refusals_haveTheApiTexts() throws Exception {
        assertThat(RawHttp.get(port, "/httpboot/grub2").text()).isEqualTo("Directory listing not allowed");
        assertThat(RawHttp.get(port, "/httpboot/nothing").text()).isEqualTo("Not found");
        assertThat(RawHttp.get(port, "/httpboot/link-outside.txt").text()).isEqualTo("Invalid or empty path");
        assertThat(RawHttp.get(port, "/httpboot/evil-dir/canary.txt").status()).isEqualTo(403);
        assertThat(RawHttp.get(port, "/httpboot/").text()).isEqualTo("Invalid or empty path");
    }

    @Test
    @Timeout(20)
    void fifo_isAnsweredPromptly() throws Exception {
        RawHttp.Reply r = RawHttp.get(port, "/httpboot/fifo.efi");

        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void otherPathsAndMethods_fallThroughToTheApplication() throws Exception {
        assertThat(RawHttp.get(port, "/httpbootx/a").text()).isEqualTo("Requested url was not found");
        try (RawHttp http = new RawHttp(port, 5000)) {
            RawHttp.Reply r = http.exchange("POST /httpboot/grub2/grub.cfg HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n", false);
            assertThat(r.text()).isEqualTo("Requested url was not found");
        }
    }

    @Test
    void headThenGet_onOneKeepAliveConnection() throws Exception {
        try (RawHttp http = new RawHttp(port, 5000)) {
            RawHttp.Reply head = http.exchange("HEAD /EFI/BOOT/BOOTX64.EFI HTTP/1.1\r\nHost: x\r\n\r\n", true);
            RawHttp.Reply get = http.exchange("GET /EFI/BOOT/BOOTX64.EFI HTTP/1.1\r\nHost: x\r\n\r\n", false);
            RawHttp.Reply empty = http.exchange("GET /httpboot/empty HTTP/1.1\r\nHost: x\r\n\r\n", false);
            RawHttp.Reply again = http.exchange("GET /httpboot/big.img HTTP/1.1\r\nHost: x\r\n\r\n", false);

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(String.valueOf(TREE.bootx64.length));
            assertThat(head.header("connection")).isNull();
            assertThat(get.body()).isEqualTo(TREE.bootx64);
            assertThat(empty.status()).isEqualTo(200);
            assertThat(empty.header("content-length")).isEqualTo("0");
            assertThat(again.body()).isEqualTo(TREE.big);
        }
    }

    @Test
    void rangeConditionalAnd416_withCurl() throws Exception {
        String url = "http://127.0.0.1:" + port + "/httpboot/big.img";
        Curl.Result range = Curl.run(TREE.base, "-r", "1000-1999", url);
        Path etags = TREE.base.resolve("handler-etags.txt");
        Curl.Result first = Curl.run(TREE.base, "--etag-save", etags.toString(), url);
        Curl.Result second = Curl.run(TREE.base, "--etag-compare", etags.toString(), url);
        Curl.Result bad = Curl.run(TREE.base, "-r", TREE.big.length + "-", url);

        assertThat(range.status()).isEqualTo(206);
        assertThat(range.header("content-range")).isEqualTo("bytes 1000-1999/" + TREE.big.length);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(TREE.big, 1000, 2000));
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(304);
        assertThat(bad.status()).isEqualTo(416);
        assertThat(bad.header("content-range")).isEqualTo("bytes */" + TREE.big.length);
    }

    @Test
    void metrics_countRequestsAndBytes() throws Exception {
        // an earlier test's last request may still be being recorded: start from a settled count
        long before = -1;
        for (long now = METRICS.meter("httpboot.bytes").getCount(); now != before;
                now = METRICS.meter("httpboot.bytes").getCount()) {
            before = now;
            Thread.sleep(200);
        }

        RawHttp.get(port, "/httpboot/grub2/grub.cfg");

        // recorded when the last write completes, just after the client has the body
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (METRICS.meter("httpboot.bytes").getCount() < before + 14 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(METRICS.meter("httpboot.bytes").getCount()).isEqualTo(before + 14);
        // by status too (bootproxy_httpboot_responses_total{status="200"} in Prometheus)
        assertThat(METRICS.meter("httpboot.responses.200").getCount()).isPositive();
        assertThat(METRICS.meter("httpboot.response_bytes.200").getCount()).isGreaterThanOrEqualTo(14);
    }
}
