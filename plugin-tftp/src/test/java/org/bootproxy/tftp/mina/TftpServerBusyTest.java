package org.bootproxy.tftp.mina;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bootproxy.spi.files.ServedRoot;
import org.bootproxy.tftp.protocol.ErrorCode;
import org.bootproxy.tftp.protocol.Options;
import org.bootproxy.tftp.protocol.TftpPacket.Ack;
import org.bootproxy.tftp.protocol.TftpPacket.Data;
import org.bootproxy.tftp.protocol.TftpPacket.ErrorPacket;
import org.bootproxy.tftp.protocol.TftpPacket.ReadRequest;
import org.bootproxy.tftp.protocol.TransferMode;
import org.bootproxy.tftp.transfer.TransferSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TftpServerBusyTest {

    @TempDir
    Path root;

    private static final ReadRequest RRQ = new ReadRequest("f", TransferMode.OCTET, Options.NONE);

    @Test
    void beyondMaxTransfers_aRequestGetsServerBusyAtOnce_andIsServedOnceASlotFrees() throws Exception {
        Files.write(root.resolve("f"), new byte[5000]);
        MetricRegistry registry = new MetricRegistry();
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        TftpServer server = new TftpServer(new InetSocketAddress(lo, 0), ServedRoot.of(root),
                new TransferSettings(1468, 16, Duration.ofSeconds(5), 5), 2, registry);
        server.start();
        int port = server.localAddress().getPort();
        try (RawClient a = new RawClient(lo); RawClient b = new RawClient(lo); RawClient c = new RawClient(lo)) {
            a.send(port, RRQ);
            int tidA = a.receive().fromPort();
            b.send(port, RRQ);
            int tidB = b.receive().fromPort();
            assertThat(server.activeTransfers()).isEqualTo(2);

            c.send(port, RRQ);
            RawClient.Received busy = c.receive(1000);
            assertThat(busy.packet()).isEqualTo(new ErrorPacket(ErrorCode.NOT_DEFINED, "server busy"));
            assertThat(server.metrics().busy()).isEqualTo(1);

            // the running transfers are untouched
            a.send(tidA, new Ack(1));
            assertThat(((Data) a.receive().packet()).block()).isEqualTo(2);

            b.send(tidB, new ErrorPacket(0, "bye"));
            TftpServerLiveTest.awaitUntil(() -> server.activeTransfers() == 1);
            c.send(port, RRQ);
            RawClient.Received served = c.receive();
            assertThat(served.packet()).isInstanceOf(Data.class);
            assertThat(served.fromPort()).isNotIn(port, tidA);
        } finally {
            server.stop();
        }
        assertThat(server.activeTransfers()).isZero();
        assertThat(registry.getNames()).noneMatch(n -> n.startsWith("tftp."));
    }

    @Test
    void stop_endsRunningTransfers_andReleasesTheListeningPort() throws Exception {
        Files.write(root.resolve("f"), new byte[5000]);
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        TftpServer server = new TftpServer(new InetSocketAddress(lo, 0), ServedRoot.of(root),
                new TransferSettings(1468, 16, Duration.ofSeconds(1), 5), 10, new MetricRegistry());
        server.start();
        int port = server.localAddress().getPort();
        try (RawClient a = new RawClient(lo)) {
            a.send(port, RRQ);
            a.receive();
            server.stop();
            assertThat(server.activeTransfers()).isZero();
            assertThat(server.isRunning()).isFalse();
            assertThat(a.silentFor(1500)).isTrue(); // no retransmission after stop
        }
        // the port is free again
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress(lo, port))) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }
}
