package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;

/**
 * The whole application with {@code provider: kea} (through kea-ctrl-agent over HTTP with basic
 * authentication) and {@code provider: dnsmasq}, configured with the keys of issue 12: Foreman's
 * exact POST through the HTTP API reaches dhclient from the real daemon.
 */
class ProviderAppLiveTest {

    private static final int PORT = 18310;
    private static final String MAC_URL = "/dhcp/192.0.2.0/mac/52:54:00:ab:cd:ef";

    private static void foremanPost_reachesDhclient(ServerClientPair net, String dhcpYaml, String daemonLog)
            throws Exception {
        try (LiveApp app = LiveApp.start(net, PORT, dhcpYaml, TestYaml.QUIET_SERVER)) {
            String post = app.post("/dhcp/192.0.2.0", KeaLiveTest.FOREMAN_POST);
            assertThat(post).as(app.logText() + daemonLog).isEqualTo("\n200");
            assertThat(app.curl(MAC_URL)).contains("\"ip\":\"192.0.2.10\"", "\"type\":\"reservation\"").endsWith("200");
            Dhclient.Result r = net.dhclient("52:54:00:ab:cd:ef",
                    "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";");
            assertThat(r.get("new_ip_address")).as(r.output()).isEqualTo("192.0.2.10");
            assertThat(r.get("new_next_server")).isEqualTo("192.0.2.7");
            assertThat(r.bound().get("new_filename") + " " + r.bound().get("new_bootfile_name"))
                    .contains("grub2/shimx64.efi");
            assertThat(app.delete(MAC_URL)).isEqualTo("\n200");
            // the reservation is gone; the lease dhclient took stays the server's
            assertThat(app.curl(MAC_URL)).contains("\"type\":\"lease\"").doesNotContain("reservation").endsWith("200");
        }
    }

    @Test
    void keaThroughTheControlAgent_withBasicAuth() throws Exception {
        try (ServerClientPair net = new ServerClientPair("ka");
             KeaDaemon kea = KeaDaemon.start(net.srv, net.dir.resolve("kea"), true)) {
            net.serverLog(kea::log);
            kea.startAgent(18001, "bootproxy", "s3cret");
            foremanPost_reachesDhclient(net, """
                    provider: kea
                    kea:
                      url: http://127.0.0.1:18001/
                      username: bootproxy
                      password: s3cret
                    """, kea.log());
        }
    }

    @Test
    void dnsmasqThroughItsFiles() throws Exception {
        try (ServerClientPair net = new ServerClientPair("da");
             DnsmasqDaemon dnsmasq = DnsmasqDaemon.start(net.srv, net.dir.resolve("dnsmasq"))) {
            net.serverLog(dnsmasq::log);
            foremanPost_reachesDhclient(net, """
                    provider: dnsmasq
                    dnsmasq:
                      config: %s
                    """.formatted(dnsmasq.config), dnsmasq.log());
        }
    }
}
