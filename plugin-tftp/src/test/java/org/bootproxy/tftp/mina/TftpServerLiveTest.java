package org.bootproxy.tftp.mina;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bootproxy.spi.files.ServedRoot;
import org.bootproxy.testing.NetNs.Shell;
import org.bootproxy.tftp.protocol.ErrorCode;
import org.bootproxy.tftp.protocol.Options;
import org.bootproxy.tftp.protocol.TftpPacket;
import org.bootproxy.tftp.protocol.TftpPacket.Ack;
import org.bootproxy.tftp.protocol.TftpPacket.Data;
import org.bootproxy.tftp.protocol.TftpPacket.ErrorPacket;
import org.bootproxy.tftp.protocol.TftpPacket.OptionAck;
import org.bootproxy.tftp.protocol.TftpPacket.ReadRequest;
import org.bootproxy.tftp.protocol.TransferMode;
import org.bootproxy.tftp.transfer.TransferSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The live server on loopback against the real clients: tftp-hpa, curl, atftp; and raw datagrams. */
class TftpServerLiveTest {

    @TempDir
    static Path root;
    @TempDir
    static Path out;

    static TftpServer server;
    static MetricRegistry registry = new MetricRegistry();
    static int port;
    static InetAddress lo;

    @BeforeAll
    static void start() throws Exception {
        lo = InetAddress.getByName("127.0.0.1");
        Random r = new Random(7);
        Files.write(root.resolve("big.bin"), bytes(r, 3 * 1024 * 1024 + 123));
        Files.write(root.resolve("block.bin"), bytes(r, 1468 * 20));
        Files.createFile(root.resolve("empty"));
        Files.createDirectories(root.resolve("grub2/x86_64-efi"));
        Files.write(root.resolve("grub2/grub.cfg"), bytes(r, 4000));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("menu line ").append(i).append(i % 7 == 0 ? "\r\n" : "\n").append(i % 11 == 0 ? "cr\r" : "");
        }
        Files.writeString(root.resolve("pxelinux.cfg"), text, StandardCharsets.US_ASCII);
        Files.createSymbolicLink(root.resolve("link.bin"), root.resolve("big.bin"));
        Files.createDirectories(root.resolve("linkdir-target"));
        Files.write(root.resolve("linkdir-target/f"), new byte[10]);
        Files.createSymbolicLink(root.resolve("linkdir"), root.resolve("linkdir-target"));
        Shell.check("mkfifo", root.resolve("fifo").toString());
        server = new TftpServer(new InetSocketAddress(lo, 0), ServedRoot.of(root),
                new TransferSettings(65464, 64, Duration.ofSeconds(1), 3), 100, registry);
        server.start();
        port = server.localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    static Path fresh(String name) throws IOException {
        Path p = out.resolve(name + "-" + System.nanoTime());
        Files.deleteIfExists(p);
        return p;
    }

    static Shell.Result tftpHpa(String mode, String remote, Path local) {
        return Shell.run(60, "tftp", "-m", mode, "127.0.0.1", Integer.toString(port), "-c", "get", remote,
                local.toString());
    }

    // ------------------------------------------------------------------ real clients

    @ParameterizedTest
    @ValueSource(strings = {"big.bin", "block.bin", "empty", "grub2/grub.cfg", "/grub2/grub.cfg"})
    void tftpHpa_octet_downloadsExactBytes(String file) throws Exception {
        Path got = fresh("hpa");
        Shell.Result r = tftpHpa("octet", file, got);
        assertThat(r.output()).doesNotContain("Error");
        assertThat(sha256(got)).isEqualTo(sha256(root.resolve(file.replaceFirst("^/", ""))));
    }

    @Test
    void tftpHpa_netascii_convertsLineEnds_soTheClientRestoresTheFile() throws Exception {
        // the file has LF, CR LF and bare CR: only a server that sends LF as CR LF and CR as
        // CR NUL lets tftp-hpa's netascii decoder give back the original bytes
        Path got = fresh("ascii");
        Shell.Result r = tftpHpa("netascii", "pxelinux.cfg", got);
        assertThat(r.output()).doesNotContain("Error");
        assertThat(sha256(got)).isEqualTo(sha256(root.resolve("pxelinux.cfg")));
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 1024, 1468, 8192})
    void curl_withBlksize_downloadsExactBytes(int blksize) throws Exception {
        Path got = fresh("curl");
        Shell.Result r = Shell.run(60, "curl", "-sS", "--tftp-blksize", Integer.toString(blksize),
                "tftp://127.0.0.1:" + port + "/big.bin", "-o", got.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(sha256(got)).isEqualTo(sha256(root.resolve("big.bin")));
    }

    static Stream<Arguments> atftpOptions() {
        return Stream.of(
                Arguments.of(List.of("windowsize 16", "blksize 1468", "tsize 0")),
                Arguments.of(List.of("windowsize 16")),
                Arguments.of(List.of("windowsize 64", "blksize 1468")),
                Arguments.of(List.of("windowsize 4", "blksize 8192")),
                Arguments.of(List.of("tsize 0")),
                Arguments.of(List.of("tsize 0", "timeout 2")));
    }

    @ParameterizedTest
    @MethodSource("atftpOptions")
    void atftp_withOptions_downloadsExactBytes(List<String> options) throws Exception {
        Path got = fresh("atftp");
        List<String> cmd = new ArrayList<>(List.of("atftp"));
        for (String o : options) {
            cmd.add("--option");
            cmd.add(o);
        }
        cmd.addAll(List.of("-g", "-r", "big.bin", "-l", got.toString(), "127.0.0.1", Integer.toString(port)));
        Shell.Result r = Shell.run(60, cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(sha256(got)).isEqualTo(sha256(root.resolve("big.bin")));
    }

    @Test
    void rollover_fileOver32MiB_atBlksize512_withTftpHpa() throws Exception {
        Path big = root.resolve("over32m.img");
        Files.write(big, bytes(new Random(32), 33 * 1024 * 1024 + 17));
        try {
            Path got = fresh("rollover");
            Shell.Result r = tftpHpa("octet", "over32m.img", got);
            assertThat(r.output()).doesNotContain("Error");
            assertThat(Files.size(got)).isEqualTo(Files.size(big));
            assertThat(sha256(got)).isEqualTo(sha256(big));
        } finally {
            Files.delete(big);
        }
    }

    // ------------------------------------------------------------------ refusals

    @ParameterizedTest
    @ValueSource(strings = {"nothere", "grub2/nothere", "big.bin/x", "big.bin/", "grub2/grub.cfg/"})
    void missingFile_isError1(String file) {
        Shell.Result r = tftpHpa("octet", file, out.resolve("never"));
        assertThat(r.output()).contains("Error code 1: File not found");
    }

    /**
     * Issue 15 item 4: a name no file system can have (a segment over 255 bytes: ENAMETOOLONG)
     * does not exist: ERROR 1, as for any missing file, not ERROR 0 and a WARN.
     */
    @ParameterizedTest
    @ValueSource(ints = {256, 300, 1000})
    void nameNoFileCanHave_isError1(int length) throws Exception {
        long warnsBefore = warnings();
        try (RawClient c = new RawClient(lo)) {
            c.send(port, new ReadRequest("a".repeat(length), TransferMode.OCTET, Options.NONE));
            assertThat(c.receive().packet()).isEqualTo(new ErrorPacket(ErrorCode.FILE_NOT_FOUND, "File not found"));
            c.send(port, new ReadRequest("grub2/" + "b".repeat(length) + "/x", TransferMode.OCTET, Options.NONE));
            assertThat(c.receive().packet()).isEqualTo(new ErrorPacket(ErrorCode.FILE_NOT_FOUND, "File not found"));
        }
        assertThat(warnings()).isEqualTo(warnsBefore);
    }

    /** WARN and ERROR lines the server has logged so far. */
    static long warnings() {
        return LOGGED.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .count();
    }

    static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> LOGGED =
            new ch.qos.logback.core.read.ListAppender<>();

    static {
        LOGGED.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(TftpServer.class)).addAppender(LOGGED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"link.bin", "linkdir/f", "grub2", "grub2/x86_64-efi", "fifo", "../etc/passwd",
            "grub2/../big.bin", "a\\b"})
    void refusedByThePathPolicy_isError2(String file) throws Exception {
        try (RawClient c = new RawClient(lo)) {
            c.send(port, new ReadRequest(file, TransferMode.OCTET, Options.NONE));
            assertThat(c.receive().packet()).isEqualTo(new ErrorPacket(ErrorCode.ACCESS_VIOLATION, "Access violation"));
        }
    }

    @Test
    void symlink_refusedForTftpHpaToo() {
        Shell.Result r = tftpHpa("octet", "link.bin", out.resolve("never2"));
        assertThat(r.output()).contains("Error code 2");
    }

    @Test
    void writeRequest_isRefusedWithError2() throws Exception {
        Path local = out.resolve("upload");
        Files.writeString(local, "hello");
        Shell.Result r = Shell.run(30, "tftp", "127.0.0.1", Integer.toString(port), "-c", "put", local.toString(),
                "uploaded");
        assertThat(r.output()).contains("Error code 2");
        assertThat(root.resolve("uploaded")).doesNotExist();
    }

    // ------------------------------------------------------------------ raw protocol

    @Test
    void oack_grantsCappedOptions_andIgnoresUnknownOnes() throws Exception {
        try (RawClient c = new RawClient(lo)) {
            c.send(port, new ReadRequest("block.bin", TransferMode.OCTET,
                    Options.of("blksize", "100000", "multicast", "", "windowsize", "99", "tsize", "0")));
            RawClient.Received r = c.receive();
            assertThat(r.packet()).isEqualTo(new OptionAck(
                    Options.of("blksize", "65464", "windowsize", "64", "tsize", Long.toString(1468 * 20))));
            assertThat(r.fromPort()).isNotEqualTo(port);
            c.send(r.fromPort(), new ErrorPacket(ErrorCode.NOT_DEFINED, "enough"));
        }
    }

    @Test
    void unknownTid_getsError5_andTheTransferCarriesOn() throws Exception {
        try (RawClient a = new RawClient(lo); RawClient stranger = new RawClient(lo)) {
            a.send(port, new ReadRequest("big.bin", TransferMode.OCTET, Options.NONE));
            RawClient.Received d1 = a.receive();
            assertThat(((Data) d1.packet()).block()).isEqualTo(1);
            int tid = d1.fromPort();
            stranger.send(tid, new Ack(1));
            stranger.send(tid, new ErrorPacket(0, "go away")); // an ERROR from a stranger is not answered
            RawClient.Received e = stranger.receive();
            assertThat(e.packet()).isEqualTo(new ErrorPacket(ErrorCode.UNKNOWN_TID, "Unknown transfer ID"));
            assertThat(e.fromPort()).isEqualTo(tid);
            assertThat(stranger.silentFor(300)).isTrue();
            // the stranger's ACK did not advance the transfer: the peer still gets block 2 on its ACK
            assertThat(a.silentFor(200)).isTrue();
            a.send(tid, new Ack(1));
            assertThat(a.receive().packet()).isInstanceOfSatisfying(Data.class, d -> assertThat(d.block()).isEqualTo(2));
            a.send(tid, new ErrorPacket(0, "done"));
        }
        assertThat(server.metrics().unknownTid()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theListeningPortIsExclusive_unlikeTransferPorts() throws Exception {
        // transfer ports are shared with each transfer's connected socket (SO_REUSEADDR); the
        // well-known port must not be: a second server there is an error, not a silent split
        TftpServer second = new TftpServer(new InetSocketAddress(lo, port), ServedRoot.of(root),
                new TransferSettings(65464, 64, Duration.ofSeconds(1), 3), 10, new MetricRegistry());
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(second::start).isInstanceOf(IOException.class);
        } finally {
            second.stop();
        }
        try (java.nio.channels.DatagramChannel taker = java.nio.channels.DatagramChannel.open()) {
            taker.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> taker.bind(new InetSocketAddress(lo, port)))
                    .isInstanceOf(java.net.BindException.class);
        }
        // and the running server still answers
        Path local = fresh("after-second");
        assertThat(tftpHpa("octet", "grub2/grub.cfg", local).exit()).isZero();
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("truncated", new byte[] {0}),
                Arguments.of("bad opcode", new byte[] {0, 9, 'x', 0}),
                Arguments.of("no NUL after filename", "\0\u0001pxelinux.0".getBytes(StandardCharsets.ISO_8859_1)),
                Arguments.of("no mode", "\0\u0001pxelinux.0\0".getBytes(StandardCharsets.ISO_8859_1)),
                Arguments.of("option without value",
                        "\0\u0001big.bin\0octet\0blksize\0".getBytes(StandardCharsets.ISO_8859_1)),
                Arguments.of("mail mode", "\0\u0001big.bin\0mail\0".getBytes(StandardCharsets.ISO_8859_1)),
                Arguments.of("oversized option list", manyOptions(60)),
                Arguments.of("larger than the read buffer", manyOptions(400)));
    }

    static byte[] manyOptions(int n) {
        StringBuilder sb = new StringBuilder("\0\u0001big.bin\0octet\0");
        for (int i = 0; i < n; i++) {
            sb.append("opt").append(i).append("\0").append("1\0");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedRequest_getsError4_andTheServerKeepsServing(String name, byte[] raw) throws Exception {
        long before = server.metrics().malformed();
        try (RawClient c = new RawClient(lo)) {
            c.send(port, raw);
            RawClient.Received r = c.receive();
            assertThat(r.packet()).isInstanceOfSatisfying(ErrorPacket.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_OPERATION.code()));
        }
        assertThat(server.metrics().malformed()).isEqualTo(before + 1);
        Path got = fresh("after-malformed");
        tftpHpa("octet", "grub2/grub.cfg", got);
        assertThat(sha256(got)).isEqualTo(sha256(root.resolve("grub2/grub.cfg")));
    }

    @Test
    void malformedAndUnexpectedDatagramsMidTransfer_areDropped_andDoNotDisturbIt() throws Exception {
        long before = server.metrics().malformed();
        try (RawClient c = new RawClient(lo)) {
            c.send(port, new ReadRequest("block.bin", TransferMode.OCTET, Options.of("blksize", "1468")));
            RawClient.Received oack = c.receive();
            int tid = oack.fromPort();
            c.send(tid, new byte[] {0});
            c.send(tid, new byte[] {0, 4, 1});
            c.send(tid, new byte[] {0, 42});
            c.send(tid, new ReadRequest("big.bin", TransferMode.OCTET, Options.NONE));
            assertThat(c.silentFor(200)).isTrue();
            byte[] expected = Files.readAllBytes(root.resolve("block.bin"));
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            c.send(tid, new Ack(0));
            for (int b = 1; ; b++) {
                Data d = (Data) c.receive().packet();
                assertThat(d.block()).isEqualTo(b);
                got.writeBytes(d.payload());
                c.send(tid, new Ack(b));
                if (d.payload().length < 1468) {
                    break;
                }
            }
            assertThat(got.toByteArray()).isEqualTo(expected);
        }
        assertThat(server.metrics().malformed()).isEqualTo(before + 3);
    }

    @Test
    void duplicateRequest_fromTheSamePort_doesNotStartASecondTransfer() throws Exception {
        try (RawClient c = new RawClient(lo)) {
            ReadRequest rrq = new ReadRequest("big.bin", TransferMode.OCTET, Options.NONE);
            c.send(port, rrq);
            RawClient.Received first = c.receive();
            c.send(port, rrq);
            assertThat(c.silentFor(300)).isTrue();
            c.send(first.fromPort(), new ErrorPacket(0, "done"));
        }
    }

    @Test
    void duplicateAcks_fromARealSocket_getNoAnswer() throws Exception {
        try (RawClient c = new RawClient(lo)) {
            c.send(port, new ReadRequest("big.bin", TransferMode.OCTET, Options.of("windowsize", "4")));
            int tid = c.receive().fromPort();
            c.send(tid, new Ack(0));
            for (int i = 1; i <= 4; i++) {
                assertThat(((Data) c.receive().packet()).block()).isEqualTo(i);
            }
            c.send(tid, new Ack(4));
            for (int i = 5; i <= 8; i++) {
                assertThat(((Data) c.receive().packet()).block()).isEqualTo(i);
            }
            for (int i = 0; i < 50; i++) {
                c.send(tid, new Ack(4));
            }
            assertThat(c.silentFor(500)).isTrue(); // below the 1 s timeout: nothing at all
            c.send(tid, new ErrorPacket(0, "done"));
        }
    }

    @Test
    void silentClient_isRetriedThenAbandoned() throws Exception {
        long before = server.metrics().timedOut();
        try (RawClient c = new RawClient(lo)) {
            c.send(port, new ReadRequest("big.bin", TransferMode.OCTET, Options.of("timeout", "1")));
            RawClient.Received oack = c.receive();
            assertThat(oack.packet()).isInstanceOf(OptionAck.class);
            int oacks = 1;
            TftpPacket last = oack.packet();
            while (!(last instanceof ErrorPacket)) {
                last = c.receive(2500).packet();
                if (last instanceof OptionAck) {
                    oacks++;
                }
            }
            assertThat(oacks).isEqualTo(1 + 3); // retries: 3
        }
        // the ERROR goes out just before the transfer's end is recorded
        awaitUntil(() -> server.metrics().timedOut() == before + 1);
    }

    /**
     * Asks for grub2/grub.cfg (4000 bytes: 8 blocks of 512 without options) and ACKs every block
     * but the final one, which is left to come.
     *
     * @return the final block's number
     */
    private static int ackAllButTheFinalBlock(RawClient c) throws IOException {
        c.send(port, new ReadRequest("grub2/grub.cfg", TransferMode.OCTET, Options.NONE));
        int finalBlock = 4000 / 512 + 1;
        for (int b = 1; b < finalBlock; b++) {
            RawClient.Received d = c.receive();
            assertThat(((Data) d.packet()).block()).isEqualTo(b);
            c.send(d.fromPort(), new Ack(b));
        }
        return finalBlock;
    }

    @Test
    void lostFinalAck_endsUnconfirmed_afterResendingOnlyTheFinalBlock() throws Exception {
        long unconfirmed = server.metrics().unconfirmed();
        long timedOut = server.metrics().timedOut();
        try (RawClient c = new RawClient(lo)) {
            int finalBlock = ackAllButTheFinalBlock(c);
            for (int resend = 0; resend <= 3; resend++) { // the first send and 3 retries, nothing else
                assertThat(((Data) c.receive(2500).packet()).block()).isEqualTo(finalBlock);
            }
        }
        awaitUntil(() -> server.metrics().unconfirmed() == unconfirmed + 1, 5);
        assertThat(server.metrics().timedOut()).isEqualTo(timedOut);
    }

    @Test
    void lostFinalAck_thenTheNextFileFromTheSamePort_endsTheFirstUnconfirmed_notAborted() throws Exception {
        long unconfirmed = server.metrics().unconfirmed();
        long aborted = server.metrics().aborted();
        try (RawClient c = new RawClient(lo)) {
            // the final block's ACK is "lost" and the client (tftp-hpa's interactive client keeps
            // its socket) asks for the next file from the same port
            int finalBlock = ackAllButTheFinalBlock(c);
            assertThat(((Data) c.receive().packet()).block()).isEqualTo(finalBlock);
            c.send(port, new ReadRequest("block.bin", TransferMode.OCTET, Options.NONE));
            awaitUntil(() -> server.metrics().unconfirmed() == unconfirmed + 1, 10);
            assertThat(server.metrics().aborted()).isEqualTo(aborted);
            RawClient.Received next = c.receive();
            while (next.packet() instanceof Data d && d.block() == finalBlock) {
                next = c.receive(); // a resend of the first file's final block may still be on its way
            }
            assertThat(next.packet()).isEqualTo(new Data(1, java.util.Arrays.copyOf(
                    Files.readAllBytes(root.resolve("block.bin")), 512)));
            c.send(next.fromPort(), new TftpPacket.ErrorPacket(0, "enough"));
        }
    }

    @Test
    void vanishedClient_isAbandonedAfterItsRetries_andItsThreadEnds() throws Exception {
        long before = server.metrics().timedOut();
        int tid;
        try (RawClient c = new RawClient(lo)) {
            c.send(port, new ReadRequest("big.bin", TransferMode.OCTET, Options.of("timeout", "1")));
            tid = c.receive().fromPort();
            c.send(tid, new Ack(0)); // DATA 1 follows; then the client's port closes
            assertThat(((Data) c.receive().packet()).block()).isEqualTo(1);
        }
        // retransmissions now go to a closed port; whatever comes back (an ICMP port unreachable,
        // which a connected socket may report on receive), the transfer ends by its timeouts only,
        // its thread stays parked meanwhile and ends with it
        String name = "tftp-" + tid;
        Thread receiver = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
                .findFirst().orElseThrow();
        Thread.sleep(2500); // two retransmissions
        long cpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(receiver.getId());
        assertThat(cpuNanos).as("receiving thread's CPU time while the client is gone").isBetween(0L, 300_000_000L);
        awaitUntil(() -> server.metrics().timedOut() == before + 1, 10);
        awaitUntil(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(name)), 5);
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within " + seconds + " s").isLessThan(end);
            Thread.sleep(10);
        }
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 5 s").isLessThan(end);
            Thread.sleep(10);
        }
    }

    @Test
    void metrics_areRegisteredUnderTftp() {
        assertThat(registry.getNames()).contains("tftp.transfers.completed", "tftp.bytes", "tftp.errors",
                "tftp.retransmits", "tftp.malformed", "tftp.active");
    }
}
