package org.bootproxy.tftp.mina;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bootproxy.spi.files.ServedRoot;
import org.bootproxy.testing.NetNs.Shell;
import org.bootproxy.tftp.protocol.Options;
import org.bootproxy.tftp.protocol.TftpPacket;
import org.bootproxy.tftp.protocol.TftpPacket.Ack;
import org.bootproxy.tftp.protocol.TftpPacket.Data;
import org.bootproxy.tftp.protocol.TftpPacket.ReadRequest;
import org.bootproxy.tftp.protocol.TransferMode;
import org.bootproxy.tftp.transfer.TransferSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bursts (issue 14 item 3): a client's retransmitted RRQ never ends or duplicates its own
 * transfer, and a burst of real clients all get exact files.
 */
class TftpRequestBurstTest {

    @TempDir
    Path root;
    @TempDir
    Path out;

    TftpServer server;
    InetAddress lo;
    byte[] file;

    @BeforeEach
    void files() throws Exception {
        lo = InetAddress.getByName("127.0.0.1");
        file = new byte[256 * 1024];
        new Random(14).nextBytes(file);
        Files.write(root.resolve("boot.img"), file);
        Files.write(root.resolve("small.bin"), java.util.Arrays.copyOf(file, 512 * 40 + 17));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private int start(int maxTransfers, int maxPerClient) throws Exception {
        server = new TftpServer(new InetSocketAddress(lo, 0), ServedRoot.of(root),
                new TransferSettings(65464, 64, Duration.ofSeconds(2), 10), maxTransfers, maxPerClient,
                new MetricRegistry());
        server.start();
        return server.localAddress().getPort();
    }

    /**
     * What a firmware does when the first DATA is late: it sends its RRQ again, from the same port.
     * Back to back, the copies reach the server while the first is still being started; each is a
     * retransmission of the same request: one transfer, from one port, to the last byte.
     */
    @Test
    void repeatedRequests_fromTheSamePort_whileTheTransferStarts_areOneTransfer_thatCompletes() throws Exception {
        int port = start(100, 100);
        for (int round = 0; round < 20; round++) {
            try (RawClient c = new RawClient(lo)) {
                ReadRequest rrq = new ReadRequest("small.bin", TransferMode.OCTET, Options.NONE);
                for (int i = 0; i < 5; i++) {
                    c.send(port, rrq);
                }
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                int tid = -1;
                int expected = 1;
                while (true) {
                    RawClient.Received r = c.receive(5000);
                    assertThat(r.packet()).as("round %d, block %d", round, expected).isInstanceOf(Data.class);
                    if (tid < 0) {
                        tid = r.fromPort();
                    }
                    assertThat(r.fromPort()).as("round %d: DATA from a second transfer port", round).isEqualTo(tid);
                    Data d = (Data) r.packet();
                    if (d.block() != expected) {
                        continue; // a retransmission of the block just acknowledged
                    }
                    got.write(d.payload());
                    c.send(tid, new Ack(d.block()));
                    expected++;
                    if (d.payload().length < 512) {
                        break;
                    }
                }
                assertThat(got.toByteArray()).as("round %d", round).isEqualTo(Files.readAllBytes(root.resolve("small.bin")));
                // no second transfer shows up late either
                assertThat(c.silentFor(300)).as("round %d: nothing after the end", round).isTrue();
            }
        }
        assertThat(server.metrics().completed()).isEqualTo(20);
        assertThat(server.metrics().aborted()).isZero();
    }

    /**
     * The firmware pattern of a tsize probe: RRQ with tsize, OACK, ERROR 8 from the client, and at
     * once the same RRQ again from the same port. The second is a new request, served without
     * waiting for the client to retransmit it, however the ERROR and the RRQ race in the server.
     */
    @Test
    void sameRequestRightAfterTheClientEndedItsTransfer_isServedAtOnce() throws Exception {
        int port = start(100, 100);
        for (int round = 0; round < 10; round++) {
            try (RawClient c = new RawClient(lo)) {
                ReadRequest probe = new ReadRequest("boot.img", TransferMode.OCTET, Options.of("tsize", "0"));
                c.send(port, probe);
                RawClient.Received oack = c.receive();
                assertThat(oack.packet()).isInstanceOf(TftpPacket.OptionAck.class);
                c.send(oack.fromPort(), new TftpPacket.ErrorPacket(8, "tsize probe done"));
                c.send(port, probe);
                RawClient.Received again = c.receive(900); // below any client's retransmission timeout
                assertThat(again.packet()).as("round %d", round).isInstanceOf(TftpPacket.OptionAck.class);
                assertThat(again.fromPort()).isNotEqualTo(oack.fromPort());
                c.send(again.fromPort(), new TftpPacket.ErrorPacket(0, "done"));
            }
        }
    }

    /**
     * The reproduction of the field report: hundreds of tftp-hpa clients ask for the same file at
     * once (256 KiB here, 1 MiB in bench/tftp-burst.sh), retransmitting their RRQ after 1 s as PXE
     * firmware does; every one must get the exact file. Before the fix a retransmitted RRQ that waited behind the burst started a
     * second transfer that ended the first ("the client started another request from the same
     * port") and the client kept a truncated file.
     */
    @Test
    void burstOfTftpHpaClients_everyDownloadIsExact() throws Exception {
        int clients = Integer.getInteger("bootproxy.test.tftpBurst", 300);
        int port = start(1000, 1000);
        for (int round = 1; round <= 2; round++) {
            Path dir = Files.createDirectories(out.resolve("round" + round));
            Shell.Result r = Shell.run(240, "bash", "-c", "cd " + dir + " && for i in $(seq 1 " + clients + "); do "
                    + "(printf 'mode octet\\nrexmt 1\\nget boot.img %s\\nquit\\n' $i | tftp 127.0.0.1 " + port
                    + " > $i.log 2>&1) & done; wait");
            assertThat(r.exit()).as(r.output()).isZero();
            List<String> bad = new ArrayList<>();
            for (int i = 1; i <= clients; i++) {
                Path got = dir.resolve(Integer.toString(i));
                if (!Files.exists(got) || !java.util.Arrays.equals(Files.readAllBytes(got), file)) {
                    bad.add(i + " (" + (Files.exists(got) ? Files.size(got) + " bytes" : "no file") + ": "
                            + Files.readString(dir.resolve(i + ".log")).strip() + ")");
                }
            }
            assertThat(bad).as("round %d: clients without the exact file, of %d", round, clients).isEmpty();
            TftpServerLiveTest.awaitUntil(() -> server.activeTransfers() == 0, 30);
        }
        assertThat(server.metrics().aborted()).isZero();
        assertThat(server.metrics().timedOut()).isZero();
    }

    /** One address cannot take every slot: past its share it gets "server busy", others are served. */
    @Test
    void oneClientAddress_getsAtMostItsShare_andAnotherAddressIsStillServed() throws Exception {
        int port = start(10, 2);
        InetAddress other = InetAddress.getByName("127.0.0.2");
        ReadRequest rrq = new ReadRequest("boot.img", TransferMode.OCTET, Options.NONE);
        try (RawClient a = new RawClient(lo); RawClient b = new RawClient(lo); RawClient c = new RawClient(lo);
                RawClient d = new RawClient(lo, other)) {
            a.send(port, rrq);
            assertThat(a.receive().packet()).isInstanceOf(Data.class);
            b.send(port, rrq);
            assertThat(b.receive().packet()).isInstanceOf(Data.class);
            c.send(port, rrq);
            assertThat(c.receive().packet()).isEqualTo(new TftpPacket.ErrorPacket(
                    org.bootproxy.tftp.protocol.ErrorCode.NOT_DEFINED, "server busy"));
            d.send(port, rrq);
            assertThat(d.receive().packet()).isInstanceOf(Data.class);
            assertThat(server.activeTransfers()).isEqualTo(3);
        }
    }
}
