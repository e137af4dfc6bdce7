package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The embedded DHCPv6 server in the whole application, against the real ISC {@code dhclient -6} in
 * a namespace: an address from {@code subnets6}' range, option 59 with the HTTPClient's boot URL
 * (an IPv6 literal), and the binding kept across {@code kill -9}.
 */
class Dhcp6LiveTest {

    private static final int PORT = 18306;

    @Test
    void httpClient_getsAnAddressFromTheRangeAndAnIpv6BootUrl_andTheBindingSurvivesKill9() throws Exception {
        try (ServerClientPair net = new ServerClientPair("6")) {
            net.srv.ip("-6", "addr", "add", "2001:db8:e2e::1/64", "dev", "veth0", "nodad");
            Dhclient.awaitLinkLocal(net.srv);
            Dhclient.awaitLinkLocal(net.cli);
            try (LiveApp app = LiveApp.start(net, PORT, """
                    interfaces: [veth0]
                    subnets:
                      - network: 192.0.2.0/24
                        range: [192.0.2.100, 192.0.2.150]
                    subnets6:
                      - network: 2001:db8:e2e::/64
                        range: [2001:db8:e2e::100, 2001:db8:e2e::1ff]
                        dns_servers: [2001:db8:e2e::53]
                    """, LiveApp.SERVER_TAIL + """
                      loggers:
                        org.bootproxy.dhcp.server6: DEBUG
                    """)) {
                Map<String, String> http = Dhclient.run6(net.cli, net.dir, "52:54:00:e2:e0:61",
                        "send dhcp6.bp-arch 16;", "send dhcp6.bp-vendor 343 33 \"HTTPClient:Arch:00016:UNDI:003001\";");
                String ip = http.get("new_ip6_address");
                assertThat(ip).as(http.get("_output") + app.logText()).startsWith("2001:db8:e2e::1");
                assertThat(http.get("new_dhcp6_bp_bootfile_url"))
                        .isEqualTo("http://[2001:db8:e2e::1]:" + PORT + "/httpboot/grub2/grubx64.efi");
                // its URL names the server by an IP: no option 23 (a Dns() node in the boot device path
                // would keep GRUB from its network); the PXEClient below gets it
                assertThat(http.get("new_dhcp6_name_servers")).isNull();
                assertThat(app.logText()).contains("dhcp6: REPLY to REQUEST", ip, "52:54:00:e2:e0:61");

                Map<String, String> pxe = Dhclient.run6(net.cli, net.dir, "52:54:00:e2:e0:62",
                        "send dhcp6.bp-arch 7;", "send dhcp6.bp-vendor 343 32 \"PXEClient:Arch:00007:UNDI:003016\";");
                assertThat(pxe.get("new_ip6_address")).as(pxe.get("_output") + app.logText())
                        .startsWith("2001:db8:e2e::1").isNotEqualTo(ip);
                assertThat(pxe.get("new_dhcp6_bp_bootfile_url"))
                        .isEqualTo("tftp://[2001:db8:e2e::1]/grub2/grubx64.efi");
                assertThat(pxe.get("new_dhcp6_name_servers")).isEqualTo("2001:db8:e2e::53");

                // kill -9 after the REPLY: the binding was durable before it was sent, so the same client
                // gets the same address from the restarted server
                app.kill9AndRestart(net.dir.resolve("app2.log"));
                Map<String, String> again = Dhclient.run6(net.cli, net.dir, "52:54:00:e2:e0:61",
                        "send dhcp6.bp-arch 16;", "send dhcp6.bp-vendor 343 33 \"HTTPClient:Arch:00016:UNDI:003001\";");
                assertThat(again.get("new_ip6_address")).as(again.get("_output") + app.logText()).isEqualTo(ip);
            }
        }
    }
}
