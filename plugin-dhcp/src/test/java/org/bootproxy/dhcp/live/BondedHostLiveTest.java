package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A bonded host as Foreman records it — one reservation per MAC, same IP, names {@code -01} and
 * {@code -02}, each naming the other in {@code related_macs} — through the whole application: the
 * real dhclient gets that address with either MAC, and after one reservation is deleted the other
 * stays and its MAC still gets it.
 */
class BondedHostLiveTest {

    private static final int PORT = 18301;
    private static final String MAC1 = "52:54:00:b0:0d:01";
    private static final String MAC2 = "52:54:00:b0:0d:02";
    private static final String NET = "/dhcp/192.0.2.0";

    private static String reservation(String name, String mac, String other) {
        return "hostname=" + name + "&mac=" + mac.replace(":", "%3A") + "&ip=192.0.2.20&network=192.0.2.0"
                + "&nextServer=192.0.2.7&filename=pxelinux.0&name=" + name + "&related_macs[]="
                + other.replace(":", "%3A");
    }

    @Test
    void eitherMacOfABondedHost_getsTheSharedAddress_andDeletingOneLeavesTheOther() throws Exception {
        try (ServerClientPair net = new ServerClientPair("b");
             LiveApp app = LiveApp.start(net, PORT, FullAppLiveTest.SERVER_SETTINGS, LiveApp.SERVER_TAIL)) {
            assertThat(app.post(NET, reservation("bond.example.com-01", MAC1, MAC2)))
                    .as(app.logText()).isEqualTo("\n200");
            assertThat(app.post(NET, reservation("bond.example.com-02", MAC2, MAC1)))
                    .as(app.logText()).isEqualTo("\n200");
            assertThat(app.curl(NET + "/ip/192.0.2.20")).contains(MAC1, MAC2).endsWith("200");

            for (String mac : new String[] {MAC1, MAC2, MAC1}) {
                Dhclient.Result r = Dhclient.run(net.cli, net.dir, mac);
                assertThat(r.get("new_ip_address")).as(mac + "\n" + r.output() + app.logText())
                        .isEqualTo("192.0.2.20");
                assertThat(r.get("new_filename")).isEqualTo("pxelinux.0");
            }

            assertThat(app.delete(NET + "/mac/" + MAC1)).isEqualTo("\n200");
            Dhclient.Result kept = Dhclient.run(net.cli, net.dir, MAC2);
            assertThat(kept.get("new_ip_address")).as(kept.output()).isEqualTo("192.0.2.20");
            assertThat(app.curl(NET + "/ip/192.0.2.20")).contains(MAC2).doesNotContain("\"mac\":\"" + MAC1)
                    .endsWith("200");
        }
    }
}
