package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The whole application (core + dhcp plugin from this build, found on the class path) in the server
 * namespace: a reservation POSTed exactly as Foreman does is what dhclient then gets, a dynamic
 * lease the server ACKed shows up in the API, and survives {@code kill -9} of the application.
 */
class FullAppLiveTest {

    private static final int PORT = 18300;

    /** The dhcp plugin's settings: the embedded DHCP server on {@code veth0} of the server namespace, 192.0.2.0/24. */
    static final String SERVER_SETTINGS = """
            provider: embedded
            mode: server
            interfaces: [veth0]
            subnets:
              - network: 192.0.2.0/24
                range: [192.0.2.100, 192.0.2.150]
                routers: [192.0.2.1]
            """;

    @Test
    void foremanReservation_reachesDhclient_andAckedLeasesSurviveKill9() throws Exception {
        try (ServerClientPair net = new ServerClientPair("f");
             LiveApp app = LiveApp.start(net, PORT, SERVER_SETTINGS, LiveApp.SERVER_TAIL)) {
            // exactly what Foreman posts
            String post = app.post("/dhcp/192.0.2.0", "hostname=h1.example.com&mac=52%3A54%3A00%3Aab%3Acd%3Aef"
                    + "&ip=192.0.2.10&network=192.0.2.0&nextServer=192.0.2.7&filename=grub2%2Fshimx64.efi"
                    + "&name=h1.example.com&related_macs[]");
            assertThat(post).as(app.logText()).isEqualTo("\n200");
            Dhclient.Result reserved = Dhclient.run(net.cli, net.dir, "52:54:00:ab:cd:ef",
                    "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";");
            assertThat(reserved.get("new_ip_address")).as(reserved.output() + app.logText()).isEqualTo("192.0.2.10");
            assertThat(reserved.get("new_filename")).isEqualTo("grub2/shimx64.efi");
            assertThat(reserved.get("new_next_server")).isEqualTo("192.0.2.7");

            Dhclient.Result dynamic = Dhclient.run(net.cli, net.dir, "52:54:00:00:40:01",
                    "send vendor-class-identifier \"HTTPClient:Arch:00016:UNDI:003000\";");
            String ip = dynamic.get("new_ip_address");
            assertThat(ip).as(dynamic.output() + app.logText()).startsWith("192.0.2.1");
            assertThat(dynamic.get("new_filename"))
                    .isEqualTo("http://192.0.2.1:" + PORT + "/httpboot/grub2/grubx64.efi");
            assertThat(app.curl("/dhcp/192.0.2.0/mac/52:54:00:00:40:01"))
                    .contains("\"ip\":\"" + ip + "\"", "\"type\":\"lease\"").endsWith("200");

            // kill -9 right after the ACK: the lease was durable before it was sent
            app.kill9AndRestart(net.dir.resolve("app2.log"));
            assertThat(app.curl("/dhcp/192.0.2.0/ip/" + ip))
                    .contains("52:54:00:00:40:01", "\"type\":\"lease\"").endsWith("200");
            Dhclient.Result again = Dhclient.run(net.cli, net.dir, "52:54:00:00:40:01");
            assertThat(again.get("new_ip_address")).isEqualTo(ip);
        }
    }
}
