package org.bootproxy.dhcp.backend.isc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;

/** Bounded waiting of the OMAPI client (the real protocol is covered by IscLiveTest against dhcpd). */
class OmapiClientTest {

    private static OmapiClient client(int port) {
        return new OmapiClient("127.0.0.1", port, null, null, Duration.ofMillis(500), Duration.ofMillis(300));
    }

    @Test
    void silentServer_failsWithinTheReadTimeout_andTheNextCallConnectsAgain() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress()); OmapiClient c = client(ss.getLocalPort())) {
            Thread server = new Thread(() -> {
                try {
                    for (int i = 0; i < 2; i++) {
                        Socket s = ss.accept(); // accepts, never introduces itself: a hung dhcpd
                        s.getInputStream().read(new byte[8]);
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            server.setDaemon(true);
            server.start();
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> c.call(OmapiMessage.OP_OPEN, 0, Map.of(), Map.of()))
                        .isInstanceOf(OmapiException.class)
                        .hasMessageContaining("unavailable: no answer within 300 ms")
                        .satisfies(e -> assertThat(((OmapiException) e).kind()).isEqualTo(OmapiException.Kind.UNAVAILABLE));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
                assertThat(c.connected()).isFalse();
            }
        }
    }

    @Test
    void closedPort_isUnavailableNamingTheAddress() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        try (OmapiClient c = client(port)) {
            assertThatThrownBy(() -> c.call(OmapiMessage.OP_OPEN, 0, Map.of(), Map.of()))
                    .hasMessageContaining("dhcpd OMAPI at 127.0.0.1:" + port + " unavailable: cannot connect");
        }
    }

    @Test
    void otherProtocolVersion_isRefused() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress()); OmapiClient c = client(ss.getLocalPort())) {
            Thread server = new Thread(() -> {
                try (Socket s = ss.accept()) {
                    new DataInputStream(s.getInputStream()).readLong();
                    DataOutputStream o = new DataOutputStream(s.getOutputStream());
                    o.writeInt(99);
                    o.writeInt(24);
                    o.flush();
                    Thread.sleep(1000);
                } catch (Exception e) {
                    // done
                }
            });
            server.setDaemon(true);
            server.start();
            assertThatThrownBy(() -> c.call(OmapiMessage.OP_OPEN, 0, Map.of(), Map.of()))
                    .hasMessageContaining("speaks protocol version 99");
        }
    }

    @Test
    void statements_carryBootOptions_andRefuseWhatDhcpdWouldMisread() throws Exception {
        Reservation r = new Reservation("h1.example.com", null, Ipv4Address.parse("192.0.2.10"),
                MacAddress.parse("52:54:00:ab:cd:ef"), Ipv4Network.parse("192.0.2.0/24"), "grub2/shimx64.efi",
                "192.0.2.7", List.of(), Map.of(), true);
        assertThat(IscBackend.statements(r)).isEqualTo("filename = \"grub2/shimx64.efi\"; next-server = c0:00:02:07; "
                + "option host-name = \"h1.example.com\";");
        Reservation bad = new Reservation("h1", null, r.ip(), r.mac(), r.subnet(), "a\"; option x \"", null,
                List.of(), Map.of(), true);
        assertThatThrownBy(() -> IscBackend.statements(bad)).isInstanceOf(RecordRejectedException.class)
                .hasMessageContaining("Invalid filename 'a\"; option x \"'");
    }
}
