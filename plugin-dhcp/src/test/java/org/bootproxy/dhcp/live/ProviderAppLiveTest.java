package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.testing.NetNs;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;

/**
 * The whole application with {@code provider: kea} (through kea-ctrl-agent over HTTP with basic
 * authentication) and {@code provider: dnsmasq}, configured with the keys of issue 12: Foreman's
 * exact POST through the HTTP API reaches dhclient from the real daemon.
 */
class ProviderAppLiveTest {

    private static final int PORT = 18310;
    private static final String URL = "http://127.0.0.1:" + PORT;

    private static void foremanPost_reachesDhclient(ServerClientPair net, String dhcpYaml, String daemonLog)
            throws Exception {
        NetNs srv = net.srv;
        Path dir = net.dir;
        Path yaml = dir.resolve("bootproxy.yml");
        Files.writeString(yaml, """
                http_port: %d
                bind_host: 127.0.0.1
                plugins:
                  dhcp:
                    enabled: true
                    state_dir: %s
                %s""".formatted(PORT, dir.resolve("state"), dhcpYaml.indent(4))
                + TestYaml.QUIET_SERVER);
        Path log = dir.resolve("app.log");
        Process app = FullAppLiveTest.startApp(srv, yaml, log);
        try {
            FullAppLiveTest.awaitUp(srv, app, log, PORT);
            String post = FullAppLiveTest.curl(srv, "-X", "POST", "--data", KeaLiveTest.FOREMAN_POST,
                    URL + "/dhcp/192.0.2.0");
            assertThat(post).as(Files.readString(log) + daemonLog).isEqualTo("\n200");
            assertThat(FullAppLiveTest.curl(srv, URL + "/dhcp/192.0.2.0/mac/52:54:00:ab:cd:ef"))
                    .contains("\"ip\":\"192.0.2.10\"", "\"type\":\"reservation\"").endsWith("200");
            Dhclient.Result r = net.dhclient("52:54:00:ab:cd:ef",
                    "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";");
            assertThat(r.get("new_ip_address")).as(r.output()).isEqualTo("192.0.2.10");
            assertThat(r.get("new_next_server")).isEqualTo("192.0.2.7");
            assertThat(r.bound().get("new_filename") + " " + r.bound().get("new_bootfile_name"))
                    .contains("grub2/shimx64.efi");
            assertThat(FullAppLiveTest.curl(srv, URL + "/dhcp/192.0.2.0/mac/52:54:00:ab:cd:ef", "-X", "DELETE"))
                    .isEqualTo("\n200");
            // the reservation is gone; the lease dhclient took stays the server's
            assertThat(FullAppLiveTest.curl(srv, URL + "/dhcp/192.0.2.0/mac/52:54:00:ab:cd:ef"))
                    .contains("\"type\":\"lease\"").doesNotContain("reservation").endsWith("200");
        } finally {
            app.destroyForcibly();
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
