package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.testing.NetNs;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;

/**
 * Provider {@code isc} against the real ISC dhcpd 4.4 (OMAPI with an HMAC-MD5 key) in a namespace
 * pair: reservations POSTed with Foreman's exact body become dhcpd host objects that the real
 * dhclient is then served <em>by dhcpd</em> (bootproxy runs no DHCP server here), across restarts
 * of either daemon; leases dhcpd hands out show in the API; faults answer 503.
 */
class IscLiveTest {

    private static final int PORT = 18320;
    private static final String NET = "/dhcp/192.0.2.0";
    private static final String MAC = "52:54:00:ab:cd:ef";
    private static final String FOREMAN_BODY = "hostname=h1.example.com&mac=52%3A54%3A00%3Aab%3Acd%3Aef"
            + "&ip=192.0.2.10&network=192.0.2.0&nextServer=192.0.2.7&filename=grub2%2Fshimx64.efi"
            + "&name=h1.example.com&related_macs[]";

    /** The plugin's settings for {@code dhcpd} ({@code secret}: another key secret, or null). */
    private static String settings(Dhcpd dhcpd, String secret) {
        return "provider: isc\nsubnets: [192.0.2.0/24]\n" + dhcpd.iscYaml(secret);
    }

    /** The process tail with an admin connector on {@code port + 1} (for {@code /healthcheck}). */
    private static String tail(int port) {
        return TestYaml.processServer("[{type: http, bindHost: 127.0.0.1, port: " + (port + 1) + "}]");
    }

    /** dhcpd in {@code net}'s server namespace, started, with a static host in an include in a group. */
    private static Dhcpd startDhcpd(ServerClientPair net) throws Exception {
        Path dir = net.dir;
        Files.writeString(dir.resolve("static-hosts.conf"), """
                # static hosts, written by hand as an admin would
                host static-1 {
                  hardware ethernet 52:54:00:00:aa:01;   # the lab's switch
                  fixed-address 192.0.2.5;
                  filename "pxelinux.0";
                }
                """);
        Dhcpd dhcpd = Dhcpd.configure(net.srv, dir, """
                  range 192.0.2.100 192.0.2.150;
                  option routers 192.0.2.1;
                  option domain-name-servers 192.0.2.1;
                  option domain-name "example.com";
                  group {
                    include "%s";
                  }
                """.formatted(dir.resolve("static-hosts.conf")), "");
        try {
            dhcpd.start();
        } catch (Exception e) {
            dhcpd.close();
            throw e;
        }
        return dhcpd;
    }

    /**
     * dhcpd's own refusal: another OMAPI client (omshell, as smart-proxy or an admin would use it)
     * created a host of that name a moment ago, before bootproxy's leases-file view shows it (at
     * most ~1 s; here the view is made to lag for good by pointing bootproxy at a copy of the
     * leases file). The create then reaches dhcpd, which refuses it: 409 with dhcpd's message,
     * and dhcpd holds nothing of the refused reservation.
     */
    @Test
    void aHostNameDhcpdAlreadyHas_isRefusedByDhcpd_as409WithItsMessage_leavingNothing() throws Exception {
        try (ServerClientPair net = new ServerClientPair("ir"); Dhcpd dhcpd = startDhcpd(net)) {
            Path dir = net.dir;
            Path lagging = dir.resolve("lagging.leases");
            Files.copy(dhcpd.leases, lagging);
            NetNs.Shell.Result om = NetNs.Shell.runWithInput(30, """
                    key %s "%s"
                    server 127.0.0.1
                    port %d
                    connect
                    new host
                    set name = "other.example.com"
                    set hardware-address = 52:54:00:00:60:01
                    set hardware-type = 1
                    set ip-address = 192.0.2.60
                    create
                    """.formatted(Dhcpd.KEY_NAME, dhcpd.secret, Dhcpd.OMAPI_PORT),
                    net.srv.wrap("omshell").toArray(String[]::new));
            assertThat(om.output()).doesNotContain("can't", "not connected");
            assertThat(Files.readString(dhcpd.leases)).contains("host other.example.com {");

            Path yaml = dir.resolve("bootproxy.yml");
            Files.writeString(yaml, LiveApp.yaml(PORT + 20, dir.resolve("state"), settings(dhcpd, null)
                    .replace("leases: " + dhcpd.leases, "leases: " + lagging), tail(PORT + 20)));
            try (LiveApp app = LiveApp.start(net.srv, PORT + 20, yaml, dir.resolve("app.log"))) {
                String r = app.post(NET, "hostname=other.example.com&mac=52%3A54%3A00%3A00%3A60%3A02&ip=192.0.2.61"
                        + "&network=192.0.2.0&name=other.example.com&related_macs[]");
                assertThat(r).as(app.logText()).endsWith("409").contains("refused by dhcpd", "already exists");
            }
            String leases = Files.readString(dhcpd.leases);
            assertThat(leases).doesNotContain("52:54:00:00:60:02", "192.0.2.61");
            assertThat(leases).contains("hardware ethernet 52:54:00:00:60:01;");
        }
    }

    @Test
    void reservations_areHostObjectsDhcpdServes_acrossRestarts_andLeasesShowInTheApi() throws Exception {
        try (ServerClientPair net = new ServerClientPair("i"); Dhcpd dhcpd = startDhcpd(net);
             LiveApp app = LiveApp.start(net, PORT, settings(dhcpd, null), tail(PORT))) {
            Path dir = net.dir;
            NetNs cli = net.cli;

            // subnets and options from dhcpd.conf; the static host (in an include in a group) is not deleteable
            assertThat(app.curl("/dhcp")).contains("\"network\":\"192.0.2.0\"", "\"range\":[\"192.0.2.100\","
                    + "\"192.0.2.150\"]", "\"routers\":[\"192.0.2.1\"]", "\"domain_name\":\"example.com\"").endsWith("200");
            assertThat(app.curl(NET + "/mac/52:54:00:00:aa:01")).contains("\"ip\":\"192.0.2.5\"",
                    "\"deleteable\":false", "\"filename\":\"pxelinux.0\"").endsWith("200");
            assertThat(app.delete(NET + "/mac/52:54:00:00:aa:01")).endsWith("400");

            // Foreman's exact body; an identical re-POST is 200, the same IP for another MAC 409
            assertThat(app.post(NET, FOREMAN_BODY)).as(app.logText()).isEqualTo("\n200");
            assertThat(app.post(NET, FOREMAN_BODY)).isEqualTo("\n200");
            assertThat(app.post(NET, FOREMAN_BODY.replace("52%3A54%3A00%3Aab%3Acd%3Aef", "52%3A54%3A00%3Aab%3Acd%3A00")
                    .replace("h1.example.com", "h9.example.com"))).endsWith("409");
            assertThat(Files.readString(dhcpd.leases)).contains("host h1.example.com {", "dynamic;",
                    "hardware ethernet 52:54:00:ab:cd:ef;", "fixed-address 192.0.2.10;");

            Dhclient.Result got = Dhclient.run(cli, dir, MAC);
            assertThat(got.get("new_ip_address")).as(got.output()).isEqualTo("192.0.2.10");
            assertThat(got.get("new_filename")).isEqualTo("grub2/shimx64.efi");
            assertThat(got.get("new_next_server")).isEqualTo("192.0.2.7");
            assertThat(got.get("new_dhcp_server_identifier")).isEqualTo("192.0.2.1");
            assertThat(got.get("new_host_name")).isEqualTo("h1.example.com");

            // unused_ip skips the reservation (and, below, the lease)
            assertThat(app.curl(NET + "/unused_ip?from=192.0.2.10&to=192.0.2.10")).isEqualTo("{\"ip\":null}\n200");
            assertThat(app.curl(NET + "/unused_ip?from=192.0.2.10&to=192.0.2.11")).isEqualTo("{\"ip\":\"192.0.2.11\"}\n200");

            // dhcpd restart: it reloads the host from its leases file (and rewrites the file)
            dhcpd.stop();
            dhcpd.start();
            assertThat(Dhclient.run(cli, dir, MAC).get("new_ip_address")).isEqualTo("192.0.2.10");
            // bootproxy restart: it reads the reservation back
            app.restart(dir.resolve("app-2.log"));
            assertThat(app.curl(NET + "/mac/" + MAC)).contains("\"ip\":\"192.0.2.10\"", "\"deleteable\":true",
                    "\"filename\":\"grub2/shimx64.efi\"", "\"nextServer\":\"192.0.2.7\"").endsWith("200");
            assertThat(app.post(NET, FOREMAN_BODY)).as("identical after restarts").isEqualTo("\n200");

            // a lease dhcpd hands out shows in the API within seconds
            Dhclient.Result dyn = Dhclient.run(cli, dir, "52:54:00:00:40:01");
            String ip = dyn.get("new_ip_address");
            assertThat(ip).as(dyn.output()).startsWith("192.0.2.1");
            String lease = "";
            for (int i = 0; i < 50 && !lease.contains("\"type\":\"lease\""); i++) {
                Thread.sleep(200);
                lease = app.curl(NET + "/mac/52:54:00:00:40:01");
            }
            assertThat(lease).contains("\"ip\":\"" + ip + "\"", "\"type\":\"lease\"").endsWith("200");
            assertThat(app.curl(NET + "/unused_ip?from=" + ip + "&to=" + ip)).isEqualTo("{\"ip\":null}\n200");

            // bonded: two reservations of one IP whose MACs name each other
            assertThat(app.post(NET, "hostname=b.example.com&mac=52%3A54%3A00%3A00%3A50%3A01&ip=192.0.2.20"
                    + "&network=192.0.2.0&name=b.example.com-01&related_macs[]=52%3A54%3A00%3A00%3A50%3A02"))
                    .isEqualTo("\n200");
            assertThat(app.post(NET, "hostname=b.example.com&mac=52%3A54%3A00%3A00%3A50%3A02&ip=192.0.2.20"
                    + "&network=192.0.2.0&name=b.example.com-02&related_macs[]=52%3A54%3A00%3A00%3A50%3A01"))
                    .isEqualTo("\n200");
            assertThat(Dhclient.run(cli, dir, "52:54:00:00:50:02").get("new_ip_address")).isEqualTo("192.0.2.20");

            // DELETE removes exactly that host object; after a dhcpd restart the MAC gets a dynamic address
            assertThat(app.delete(NET + "/mac/" + MAC)).isEqualTo("\n200");
            assertThat(app.curl(NET + "/mac/" + MAC)).endsWith("404");
            assertThat(app.curl(NET + "/mac/52:54:00:00:50:01")).contains("192.0.2.20").endsWith("200");
            dhcpd.stop();
            dhcpd.start();
            Dhclient.Result after = Dhclient.run(cli, dir, MAC);
            assertThat(after.get("new_ip_address")).as(after.output()).isNotEqualTo("192.0.2.10").startsWith("192.0.2.1");

            // dhcpd stopped: 503 with a message, and the health check fails
            dhcpd.stop();
            String down = app.post(NET, FOREMAN_BODY);
            assertThat(down).endsWith("503").contains("dhcpd OMAPI at 127.0.0.1:7911 unavailable");
            assertThat(app.curlUrl("http://127.0.0.1:" + (PORT + 1) + "/healthcheck"))
                    .contains("\"dhcp.backend\":{\"healthy\":false").endsWith("500");
            dhcpd.start();
            assertThat(app.post(NET, FOREMAN_BODY)).as("back after dhcpd is").isEqualTo("\n200");

            // a wrong key: 503 saying authentication failed, health check failing
            Path wrong = dir.resolve("wrong-key.yml");
            Files.writeString(wrong, LiveApp.yaml(PORT + 10, dir.resolve("wrong").resolve("state"),
                    settings(dhcpd, java.util.Base64.getEncoder().encodeToString(new byte[32])), tail(PORT + 10)));
            try (LiveApp bad = LiveApp.start(net.srv, PORT + 10, wrong, dir.resolve("app-wrong.log"))) {
                String r = bad.post(NET, FOREMAN_BODY.replace("ab%3Acd%3Aef", "ab%3Acd%3A77").replace("192.0.2.10",
                        "192.0.2.77").replace("h1.", "h77."));
                assertThat(r).as(bad.logText()).endsWith("503").contains("authentication failed");
                assertThat(bad.curlUrl("http://127.0.0.1:" + (PORT + 11) + "/healthcheck"))
                        .contains("authentication failed").endsWith("500");
            }
            assertThat(Files.readString(dhcpd.leases)).doesNotContain("h77.");
        }
    }
}
