package org.bootproxy.httpboot.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.httpboot.Curl;
import org.bootproxy.httpboot.RawHttp;
import org.bootproxy.httpboot.TestTree;
import org.bootproxy.httpboot.http.HttpDates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET/HEAD of files, links, directories and FIFOs through a full bootproxy; HTTP semantics checked with curl. */
@ExtendWith(DropwizardExtensionsSupport.class)
class FileServingTest {

    static final TestTree TREE = new TestTree();
    static final DropwizardAppExtension<BootproxyConfiguration> APP = TREE.app();

    @BeforeAll
    static void links() throws Exception {
        Path root = TREE.root;
        Files.createSymbolicLink(root.resolve("link-inside.cfg"), root.resolve("grub2/grub.cfg"));
        Files.createSymbolicLink(root.resolve("link-inside-relative.cfg"), Path.of("grub2/grub.cfg"));
        Files.createSymbolicLink(root.resolve("link-outside.txt"), TREE.base.resolve("canary.txt"));
        Files.createSymbolicLink(root.resolve("evil-dir"), TREE.base.resolve("root-evil"));
        Files.createSymbolicLink(root.resolve("grub-link"), Path.of("grub2"));
        Files.createSymbolicLink(root.resolve("dangling.efi"), TREE.base.resolve("does-not-exist"));
        Files.createSymbolicLink(root.resolve("root-link"), Path.of("."));
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("fifo.efi").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        TREE.delete();
    }

    private static int port() {
        return APP.getLocalPort();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Test
    void efiPath_mapsToRootWithoutTheEfiPrefix() throws Exception {
        RawHttp.Reply r = RawHttp.get(port(), "/EFI/BOOT/BOOTX64.EFI");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TREE.bootx64);
        assertThat(r.header("content-type")).isEqualTo("application/octet-stream");
        assertThat(r.header("content-length")).isEqualTo(String.valueOf(TREE.bootx64.length));
        assertThat(RawHttp.get(port(), "/httpboot/BOOT/BOOTX64.EFI").body()).isEqualTo(TREE.bootx64);
        assertThat(RawHttp.get(port(), "/EFI/EFI/BOOT/BOOTX64.EFI").status()).isEqualTo(404);
    }

    @Test
    void get_servesLargeFileByteForByte() throws Exception {
        Curl.Result r = Curl.run(TREE.base, url("/httpboot/big.img"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TREE.big);
        assertThat(r.header("content-length")).isEqualTo(String.valueOf(TREE.big.length));
        assertThat(r.header("accept-ranges")).isEqualTo("bytes");
        assertThat(r.header("etag")).matches("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"");
        assertThat(r.header("last-modified")).endsWith("GMT");
        assertThat(r.header("location")).isNull();
    }

    @Test
    void get_servesEmptyFile() throws Exception {
        RawHttp.Reply r = RawHttp.get(port(), "/httpboot/empty");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("0");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void get_contentTypeByExtension() throws Exception {
        assertThat(RawHttp.get(port(), "/httpboot/grub2/grub.cfg").header("content-type")).startsWith("text/plain");
        assertThat(RawHttp.get(port(), "/httpboot/big.img").header("content-type")).isEqualTo("application/octet-stream");
    }

    @Test
    void symlinkToFileInsideRoot_isRefused() throws Exception {
        for (String p : new String[] {"/httpboot/link-inside.cfg", "/httpboot/link-inside-relative.cfg"}) {
            RawHttp.Reply r = RawHttp.get(port(), p);
            assertThat(r.status()).as(p).isEqualTo(403);
            assertThat(r.text()).isEqualTo("Invalid or empty path");
        }
    }

    @Test
    void symlinkToFileOutsideRoot_isRefused() throws Exception {
        RawHttp.Reply r = RawHttp.get(port(), "/httpboot/link-outside.txt");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).doesNotContain(TREE.canary);
    }

    @Test
    void symlinkedDirectoryMidPath_isRefused() throws Exception {
        RawHttp.Reply out = RawHttp.get(port(), "/httpboot/evil-dir/canary.txt");
        RawHttp.Reply in = RawHttp.get(port(), "/httpboot/grub-link/grub.cfg");
        RawHttp.Reply self = RawHttp.get(port(), "/httpboot/root-link/grub2/grub.cfg");

        assertThat(out.status()).isEqualTo(403);
        assertThat(out.text()).doesNotContain(TREE.canary);
        assertThat(in.status()).isEqualTo(403);
        assertThat(self.status()).isEqualTo(403);
    }

    @Test
    void danglingSymlink_isRefused() throws Exception {
        RawHttp.Reply r = RawHttp.get(port(), "/httpboot/dangling.efi");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).isEqualTo("Invalid or empty path");
    }

    @Test
    void directory_isNotListed() throws Exception {
        for (String p : new String[] {"/httpboot/grub2", "/httpboot/grub2/", "/EFI/BOOT"}) {
            RawHttp.Reply r = RawHttp.get(port(), p);
            assertThat(r.status()).as(p).isEqualTo(403);
            assertThat(r.text()).isEqualTo("Directory listing not allowed");
            assertThat(r.header("location")).isNull();
        }
    }

    @Test
    @Timeout(20)
    void fifo_isAnsweredPromptlyWithoutOpeningIt() throws Exception {
        // RawHttp reads with a 5 s timeout: a server that opened the FIFO would block on it.
        RawHttp.Reply r = RawHttp.get(port(), "/httpboot/fifo.efi");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).isEqualTo("Not a regular file");
    }

    @Test
    void missing_is404NotFound() throws Exception {
        RawHttp.Reply r = RawHttp.get(port(), "/httpboot/grub2/nothing-here.efi");
        RawHttp.Reply underFile = RawHttp.get(port(), "/httpboot/grub2/grub.cfg/x");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text()).isEqualTo("Not found");
        assertThat(underFile.status()).isEqualTo(404);
    }

    @Test
    void pathJerseyCannotMatch_getsTheCoresNotFound() throws Exception {
        RawHttp.Reply a = RawHttp.get(port(), "/httpbootx/grub2/grub.cfg");
        RawHttp.Reply b = RawHttp.get(port(), "/efi/BOOT/BOOTX64.EFI");

        assertThat(a.status()).isEqualTo(404);
        assertThat(a.text()).isEqualTo("Requested url was not found");
        assertThat(b.status()).isEqualTo(404);
        assertThat(b.text()).isEqualTo("Requested url was not found");
    }

    @Test
    void head_thenGetOnTheSameKeepAliveConnection_likeEdk2() throws Exception {
        try (RawHttp http = new RawHttp(port(), 5000)) {
            RawHttp.Reply head = http.exchange("HEAD /EFI/BOOT/BOOTX64.EFI HTTP/1.1\r\nHost: 192.0.2.1\r\n"
                    + "User-Agent: UefiHttpBoot/1.0\r\n\r\n", true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(String.valueOf(TREE.bootx64.length));
            assertThat(head.header("content-type")).isEqualTo("application/octet-stream");
            assertThat(head.header("connection")).isNull();

            RawHttp.Reply get = http.exchange("GET /EFI/BOOT/BOOTX64.EFI HTTP/1.1\r\nHost: 192.0.2.1\r\n"
                    + "User-Agent: UefiHttpBoot/1.0\r\n\r\n", false);
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(TREE.bootx64);
            assertThat(get.header("etag")).isEqualTo(head.header("etag"));

            // and the connection is still usable for a third request
            RawHttp.Reply again = http.exchange("GET /httpboot/big.img HTTP/1.1\r\nHost: x\r\n\r\n", false);
            assertThat(again.body()).isEqualTo(TREE.big);
        }
    }

    @Test
    void head_withCurl_hasHeadersAndNoBody() throws Exception {
        Curl.Result r = Curl.run(TREE.base, "-I", url("/httpboot/big.img"));

        assertThat(r.exitCode()).isZero();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo(String.valueOf(TREE.big.length));
        assertThat(r.header("accept-ranges")).isEqualTo("bytes");
        assertThat(r.header("etag")).isNotNull();
        // with -I curl writes the header block to -o; nothing of the file follows it
        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n")
                .hasSizeLessThan(1024);
    }

    @Test
    void range_withCurl_gives206WithContentRange() throws Exception {
        Curl.Result r = Curl.run(TREE.base, "-r", "1000-1999", url("/httpboot/big.img"));

        assertThat(r.status()).isEqualTo(206);
        assertThat(r.header("content-range")).isEqualTo("bytes 1000-1999/" + TREE.big.length);
        assertThat(r.header("content-length")).isEqualTo("1000");
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(TREE.big, 1000, 2000));
    }

    @Test
    void suffixAndOpenRanges_withCurl() throws Exception {
        Curl.Result tail = Curl.run(TREE.base, "-r", "-100", url("/httpboot/big.img"));
        Curl.Result open = Curl.run(TREE.base, "-r", (TREE.big.length - 10) + "-", url("/httpboot/big.img"));

        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(TREE.big, TREE.big.length - 100, TREE.big.length));
        assertThat(open.status()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(TREE.big, TREE.big.length - 10, TREE.big.length));
    }

    @Test
    void resume_withCurl_continuesADownload() throws Exception {
        Path partial = TREE.base.resolve("partial.img");
        Files.write(partial, Arrays.copyOfRange(TREE.big, 0, 300_000));

        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "20", "-C", "-", "-o", partial.toString(),
                url("/httpboot/big.img")).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isZero();
        assertThat(Files.readAllBytes(partial)).isEqualTo(TREE.big);
    }

    @Test
    void unsatisfiableRange_withCurl_gives416() throws Exception {
        Curl.Result r = Curl.run(TREE.base, "-r", TREE.big.length + "-", url("/httpboot/big.img"));
        Curl.Result empty = Curl.run(TREE.base, "-r", "0-0", url("/httpboot/empty"));

        assertThat(r.status()).isEqualTo(416);
        assertThat(r.header("content-range")).isEqualTo("bytes */" + TREE.big.length);
        assertThat(empty.status()).isEqualTo(416);
    }

    @Test
    void ifNoneMatch_withCurl_gives304() throws Exception {
        Path etags = TREE.base.resolve("etags.txt");
        Curl.Result first = Curl.run(TREE.base, "--etag-save", etags.toString(), url("/httpboot/big.img"));
        Curl.Result second = Curl.run(TREE.base, "--etag-compare", etags.toString(), url("/httpboot/big.img"));

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(304);
        assertThat(second.body()).isEmpty();
        assertThat(second.header("etag")).isEqualTo(first.header("etag"));
    }

    @Test
    void ifModifiedSince_withCurl_gives304OrTheNewerFile() throws Exception {
        Path f = TREE.root.resolve("dated.bin");
        Files.write(f, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));

        Curl.Result same = Curl.run(TREE.base, "-z", "Tue, 02 Jan 2024 03:04:05 GMT", url("/httpboot/dated.bin"));
        Curl.Result older = Curl.run(TREE.base, "-z", "Mon, 01 Jan 2024 00:00:00 GMT", url("/httpboot/dated.bin"));

        assertThat(same.status()).isEqualTo(304);
        assertThat(older.status()).isEqualTo(200);
        assertThat(older.header("last-modified")).isEqualTo("Tue, 02 Jan 2024 03:04:05 GMT");
        assertThat(older.body()).containsExactly(1, 2, 3);
    }

    @Test
    void etagChanges_whenTheFileIsReplaced() throws Exception {
        Path f = TREE.root.resolve("replaced.efi");
        Files.write(f, "one".getBytes(StandardCharsets.US_ASCII));
        String before = RawHttp.get(port(), "/httpboot/replaced.efi").header("etag");
        Path tmp = TREE.root.resolve("replaced.efi.tmp");
        Files.write(tmp, "two".getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        RawHttp.Reply after = RawHttp.get(port(), "/httpboot/replaced.efi");

        assertThat(after.text()).isEqualTo("two");
        assertThat(after.header("etag")).isNotEqualTo(before);
    }

    @Test
    void mappedFileReplaced_servesTheNewContent() throws Exception {
        Path f = TREE.root.resolve("kernel.img");
        byte[] one = new byte[200_000];
        Arrays.fill(one, (byte) 1);
        Files.write(f, one);
        assertThat(RawHttp.get(port(), "/httpboot/kernel.img").body()).isEqualTo(one);
        byte[] two = new byte[200_000];
        Arrays.fill(two, (byte) 2);
        Path tmp = TREE.root.resolve("kernel.img.tmp");
        Files.write(tmp, two);
        Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(RawHttp.get(port(), "/httpboot/kernel.img").body()).isEqualTo(two);
    }

    @Test
    void otherMethods_areTheCoresNotFound_andChangeNothing() throws Exception {
        try (RawHttp http = new RawHttp(port(), 5000)) {
            RawHttp.Reply r = http.exchange("POST /httpboot/grub2/grub.cfg HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n", false);
            // like upstream, a method a route does not have is 404 (core's mapper)
            assertThat(r.status()).isEqualTo(404);
        }
        assertThat(Files.readString(TREE.root.resolve("grub2/grub.cfg"))).isEqualTo("set timeout=5\n");
    }

    /** The meter's count once it has not moved for 200 ms. */
    private static long settledCount(String meter) throws InterruptedException {
        long last = -1;
        long now = APP.getEnvironment().metrics().meter(meter).getCount();
        while (now != last) {
            last = now;
            Thread.sleep(200);
            now = APP.getEnvironment().metrics().meter(meter).getCount();
        }
        return now;
    }

    private static void awaitCount(String meter, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (APP.getEnvironment().metrics().meter(meter).getCount() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(APP.getEnvironment().metrics().meter(meter).getCount()).as(meter).isEqualTo(expected);
    }

    @Test
    void eachRequest_logsOneAccessLineAndCountsMetrics() throws Exception {
        // an earlier test's last request may still be being recorded: start from settled counts
        long before = settledCount("httpboot.requests");
        long bytesBefore = settledCount("httpboot.bytes");
        long errorsBefore = settledCount("httpboot.errors");

        RawHttp.get(port(), "/httpboot/grub2/grub.cfg?marker=access-line");
        RawHttp.get(port(), "/httpboot/no-such-file-for-the-log");

        // the handler records a request when its last write completes, just after the client has it
        awaitCount("httpboot.requests", before + 2);
        awaitCount("httpboot.bytes", bytesBefore + 14);
        awaitCount("httpboot.errors", errorsBefore + 1);
        // lines reach the log from the access log's writer thread, a moment after the response
        String ok = "127\\.0\\.0\\.1 GET /httpboot/grub2/grub\\.cfg 200 14 bytes \\d+ ms";
        String missing = "127\\.0\\.0\\.1 GET /httpboot/no-such-file-for-the-log 404 0 bytes \\d+ ms";
        long deadline = System.nanoTime() + 5_000_000_000L;
        String messages;
        do {
            JsonNode logs = new ObjectMapper().readTree(RawHttp.get(port(), "/logs").body());
            StringBuilder b = new StringBuilder();
            logs.get("logs").forEach(l -> b.append(l.get("message").asText()).append('\n'));
            messages = b.toString();
        } while (!(Pattern.compile(ok).matcher(messages).find() && Pattern.compile(missing).matcher(messages).find())
                && System.nanoTime() < deadline);
        assertThat(messages).containsPattern(ok).containsPattern(missing);
    }

    @Test
    void features_exposeTheHttpPortAndNoHttpsPort() throws Exception {
        JsonNode features = new ObjectMapper().readTree(RawHttp.get(port(), "/v2/features").body());

        JsonNode httpboot = features.get("httpboot");
        assertThat(httpboot.get("state").asText()).isEqualTo("running");
        assertThat(httpboot.get("settings").get("http_port").asInt()).isEqualTo(port());
        assertThat(httpboot.get("settings").get("https_port").isNull()).isTrue();
    }

    @Test
    void lastModified_isAnHttpDate() throws Exception {
        RawHttp.Reply r = RawHttp.get(port(), "/httpboot/grub2/grub.cfg");

        assertThat(HttpDates.parse(r.header("last-modified"))).isPresent();
    }
}
