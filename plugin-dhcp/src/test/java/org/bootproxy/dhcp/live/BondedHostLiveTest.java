package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bootproxy.dhcp.live.FullAppLiveTest.awaitUp;
import static org.bootproxy.dhcp.live.FullAppLiveTest.curl;
import static org.bootproxy.dhcp.live.FullAppLiveTest.startApp;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.testing.NetNs;
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

    private static String reservation(String name, String mac, String other) {
        return "hostname=" + name + "&mac=" + mac.replace(":", "%3A") + "&ip=192.0.2.20&network=192.0.2.0"
                + "&nextServer=192.0.2.7&filename=pxelinux.0&name=" + name + "&related_macs[]="
                + other.replace(":", "%3A");
    }

    @Test
    void eitherMacOfABondedHost_getsTheSharedAddress_andDeletingOneLeavesTheOther() throws Exception {
        NetNs.requireAvailable();
        Path dir = Files.createTempDirectory("bp-bonded");
        NetNs[] pair = NetNs.pair("bs", "192.0.2.1/24", "bc", null);
        NetNs srv = pair[0];
        NetNs cli = pair[1];
        Process app = null;
        try {
            Path yaml = dir.resolve("bootproxy.yml");
            Files.writeString(yaml, FullAppLiveTest.serverYaml(PORT, dir.resolve("state")));
            Path log = dir.resolve("app.log");
            app = startApp(srv, yaml, log);
            awaitUp(srv, app, log, PORT);
            String url = "http://127.0.0.1:" + PORT + "/dhcp/192.0.2.0";
            assertThat(curl(srv, "-X", "POST", "--data", reservation("bond.example.com-01", MAC1, MAC2), url))
                    .as(Files.readString(log)).isEqualTo("\n200");
            assertThat(curl(srv, "-X", "POST", "--data", reservation("bond.example.com-02", MAC2, MAC1), url))
                    .as(Files.readString(log)).isEqualTo("\n200");
            assertThat(curl(srv, url + "/ip/192.0.2.20")).contains(MAC1, MAC2).endsWith("200");

            for (String mac : new String[] {MAC1, MAC2, MAC1}) {
                Dhclient.Result r = Dhclient.run(cli, dir, mac);
                assertThat(r.get("new_ip_address")).as(mac + "\n" + r.output() + Files.readString(log))
                        .isEqualTo("192.0.2.20");
                assertThat(r.get("new_filename")).isEqualTo("pxelinux.0");
            }

            assertThat(curl(srv, "-X", "DELETE", url + "/mac/" + MAC1)).isEqualTo("\n200");
            Dhclient.Result kept = Dhclient.run(cli, dir, MAC2);
            assertThat(kept.get("new_ip_address")).as(kept.output()).isEqualTo("192.0.2.20");
            assertThat(curl(srv, url + "/ip/192.0.2.20")).contains(MAC2).doesNotContain("\"mac\":\"" + MAC1)
                    .endsWith("200");
        } finally {
            if (app != null) {
                app.destroyForcibly();
            }
            srv.close();
            cli.close();
            NetNs.Shell.run(30, "rm", "-rf", dir.toString());
        }
    }
}
