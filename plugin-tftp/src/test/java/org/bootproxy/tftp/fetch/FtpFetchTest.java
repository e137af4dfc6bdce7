package org.bootproxy.tftp.fetch;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fetch_boot_file over {@code ftp://} against a real vsftpd (Debian package {@code vsftpd}) on
 * loopback, anonymous and throttled so a large file outlasts a short download_timeout.
 */
class FtpFetchTest {

    private static final Path VSFTPD = Path.of("/usr/sbin/vsftpd");
    /**
     * vsftpd's anon_max_rate. vsftpd sends a 64 KiB buffer and then sleeps to keep the rate, so
     * the 2 MiB image takes ~30 s while the small kernel goes in one buffer.
     */
    private static final int RATE = 64 * 1024;

    private static Path dir;
    private static Process vsftpd;
    private static int port;
    private static final byte[] KERNEL = "ftp-kernel-".repeat(20).getBytes(US_ASCII);

    @TempDir
    Path root;

    @BeforeAll
    static void startVsftpd() throws Exception {
        assumeTrue(Files.isExecutable(VSFTPD), "vsftpd is not installed (apt-get install vsftpd)");
        dir = Files.createTempDirectory("vsftpd");
        Path anon = Files.createDirectories(dir.resolve("anon/images"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.write(anon.resolve("vmlinuz"), KERNEL);
        Files.write(anon.resolve("huge.img"), new byte[2 * 1024 * 1024]);
        for (Path p : List.of(dir, dir.resolve("anon"), anon, empty)) {
            // vsftpd refuses a chroot the anonymous user could write to
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("vsftpd.conf");
        Files.writeString(conf, String.join("\n",
                "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + port,
                "background=NO", "anonymous_enable=YES", "no_anon_password=YES", "local_enable=NO",
                "write_enable=NO", "anon_root=" + dir.resolve("anon"), "secure_chroot_dir=" + empty,
                "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO", "pasv_enable=YES",
                "pasv_address=127.0.0.1", "xferlog_enable=NO", "dirmessage_enable=NO",
                "anon_max_rate=" + RATE, ""));
        vsftpd = new ProcessBuilder(VSFTPD.toString(), conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("vsftpd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !vsftpd.isAlive()) {
                    throw new IllegalStateException("vsftpd did not start: "
                            + Files.readString(dir.resolve("vsftpd.log")), e);
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stopVsftpd() throws Exception {
        if (vsftpd != null) {
            vsftpd.destroy();
            vsftpd.waitFor(10, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private BootFileFetcher fetcher(Duration timeout) {
        return new BootFileFetcher(root, new FetchSettings(Duration.ofSeconds(2), timeout, true, 2, 8)
                .withAddresses(BootFileFetcherTest.LOOPBACK_MIRROR),
                "bootproxy/test");
    }

    private List<String> filesUnderRoot() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void ftp_downloadsIntoPlace() throws Exception {
        try (BootFileFetcher f = fetcher(Duration.ofSeconds(20))) {
            DownloadOutcome o = f.submit("boot/ftp", "ftp://127.0.0.1:" + port + "/images/vmlinuz")
                    .outcome().get(30, TimeUnit.SECONDS);

            assertThat(o).isInstanceOf(DownloadOutcome.Downloaded.class);
            assertThat(Files.readAllBytes(root.resolve("boot/ftp-vmlinuz"))).isEqualTo(KERNEL);
        }
    }

    @Test
    void ftp_missingFile_storesNothing() throws Exception {
        try (BootFileFetcher f = fetcher(Duration.ofSeconds(20))) {
            DownloadOutcome o = f.submit("boot/ftp", "ftp://127.0.0.1:" + port + "/images/missing")
                    .outcome().get(30, TimeUnit.SECONDS);

            assertThat(o).isInstanceOf(DownloadOutcome.Failed.class);
            assertThat(filesUnderRoot()).isEmpty();
        }
    }

    @Test
    void ftp_slowTransfer_timesOutAndLeavesNothing() throws Exception {
        try (BootFileFetcher f = fetcher(Duration.ofMillis(1500))) {
            DownloadOutcome o = f.submit("boot/ftp", "ftp://127.0.0.1:" + port + "/images/huge.img")
                    .outcome().get(30, TimeUnit.SECONDS);

            assertThat(o).isInstanceOf(DownloadOutcome.Failed.class);
            assertThat(((DownloadOutcome.Failed) o).reason()).contains("timed out");
            assertThat(filesUnderRoot()).isEmpty();
        }
    }
}
