package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.InstantSource;
import org.bootproxy.dhcp.backend.kea.KeaBackend;
import org.bootproxy.dhcp.backend.kea.KeaSettings;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The {@code kea} provider against a real kea-dhcp4 (Kea 2.2, lease_cmds loaded) on its control
 * socket, in a namespace pair with the real ISC dhclient: what the API writes is what Kea hands
 * out, survives a Kea restart, and is gone from the running Kea after DELETE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeaLiveTest {

    static final String NET = "192.0.2.0";
    static final String FOREMAN_POST = "hostname=h1.example.com&mac=52%3A54%3A00%3Aab%3Acd%3Aef&ip=192.0.2.10"
            + "&network=192.0.2.0&nextServer=192.0.2.7&filename=grub2%2Fshimx64.efi&name=h1.example.com"
            + "&related_macs[]";

    static final Subnet SUBNET = new Subnet(Ipv4Network.parse("192.0.2.0/24"), null, null, null, null, null, null,
            Duration.ofHours(1), null);

    ServerClientPair net;
    KeaDaemon kea;
    KeaBackend backend;
    InProcessApi api;

    @BeforeAll
    void start() throws Exception {
        net = new ServerClientPair("k");
        kea = KeaDaemon.start(net.srv, net.dir.resolve("kea"), true);
        net.serverLog(kea::log);
        openBackend();
    }

    private void openBackend() throws Exception {
        backend = KeaBackend.open(new KeaSettings(kea.socket, null, null, null), InstantSource.system(), n -> true);
        api = new InProcessApi(backend);
    }

    @AfterAll
    void stop() {
        if (kea != null) {
            kea.close();
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    @Order(1)
    void subnets_comeFromKeasConfiguration() {
        InProcessApi.Answer list = api.list();
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("network=192.0.2.0", "netmask=255.255.255.0", "192.0.2.100", "192.0.2.150",
                "routers=[192.0.2.1]");
    }

    @Test
    @Order(2)
    void foremansPost_createsAReservation_thatKeaHandsToDhclient() throws Exception {
        assertThat(api.post(NET, FOREMAN_POST)).isEqualTo(new InProcessApi.Answer(200, ""));
        assertThat(api.getMac(NET, "52:54:00:ab:cd:ef").body()).contains("\"ip\":\"192.0.2.10\"",
                "\"type\":\"reservation\"", "\"filename\":\"grub2/shimx64.efi\"", "\"nextServer\":\"192.0.2.7\"",
                "\"deleteable\":true");
        assertThat(Files.readString(kea.config)).as("config-write saved it").contains("52:54:00:ab:cd:ef");

        Dhclient.Result r = net.dhclient("52:54:00:ab:cd:ef",
                "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";");
        assertThat(r.get("new_ip_address")).isEqualTo("192.0.2.10");
        assertThat(r.get("new_filename")).isEqualTo("grub2/shimx64.efi");
        assertThat(r.get("new_next_server")).isEqualTo("192.0.2.7");
    }

    @Test
    @Order(3)
    void identicalRePost_is200_conflictingOnesAre409() {
        assertThat(api.post(NET, FOREMAN_POST).status()).isEqualTo(200);
        assertThat(api.post(NET, FOREMAN_POST.replace("192.0.2.10", "192.0.2.11")))
                .isEqualTo(new InProcessApi.Answer(409, "Record 192.0.2.0/192.0.2.11 already exists"));
        assertThat(api.post(NET, FOREMAN_POST.replace("3Aef", "3Aee")).status()).isEqualTo(409);
        assertThat(api.post(NET, FOREMAN_POST.replace("grub2%2Fshimx64.efi", "pxelinux.0")).status())
                .isEqualTo(409);
    }

    @Test
    @Order(4)
    void bondedHosts_thatNameEachOther_shareAnIp_andKeaGivesItToEither() throws Exception {
        String a = "hostname=b1-01&mac=52:54:00:00:77:01&ip=192.0.2.30&related_macs[]=52:54:00:00:77:02";
        String b = "hostname=b1-02&mac=52:54:00:00:77:02&ip=192.0.2.30&related_macs[]=52:54:00:00:77:01";
        String stranger = "hostname=s1&mac=52:54:00:00:77:03&ip=192.0.2.30&related_macs[]=52:54:00:00:77:01";
        assertThat(api.post(NET, a).status()).isEqualTo(200);
        assertThat(api.post(NET, b)).isEqualTo(new InProcessApi.Answer(200, ""));
        assertThat(api.post(NET, stranger).status()).as("names only one side").isEqualTo(409);
        assertThat(backend.reservationsByIp(SUBNET, Ipv4Address.parse("192.0.2.30"))).extracting(r -> r.mac()
                .toString()).containsExactly("52:54:00:00:77:01", "52:54:00:00:77:02");
        assertThat(net.dhclient("52:54:00:00:77:02").get("new_ip_address")).isEqualTo("192.0.2.30");
        assertThat(api.deleteMac(NET, "52:54:00:00:77:01").status()).isEqualTo(200);
        assertThat(backend.reservationsByIp(SUBNET, Ipv4Address.parse("192.0.2.30"))).extracting(r -> r.mac()
                .toString()).containsExactly("52:54:00:00:77:02");
        assertThat(api.deleteMac(NET, "52:54:00:00:77:02").status()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void aLeaseKeaHandsOut_showsInTheApi() throws Exception {
        Dhclient.Result r = net.dhclient("52:54:00:00:40:01");
        String ip = r.get("new_ip_address");
        assertThat(ip).startsWith("192.0.2.1");
        assertThat(api.getMac(NET, "52:54:00:00:40:01").body()).contains("\"ip\":\"" + ip + "\"",
                "\"type\":\"lease\"", "\"state\":\"active\"");
        assertThat(api.getIp(NET, ip).body()).contains("52:54:00:00:40:01");
        assertThat(api.getSubnet(NET).body()).contains("\"mac\":\"52:54:00:00:40:01\"", "192.0.2.10");
    }

    @Test
    @Order(6)
    void theReservation_survivesAKeaRestart() throws Exception {
        kea.stop();
        kea.start();
        openBackend(); // no cached configuration
        assertThat(api.getMac(NET, "52:54:00:ab:cd:ef").body()).contains("\"ip\":\"192.0.2.10\"");
        Dhclient.Result r = net.dhclient("52:54:00:ab:cd:ef");
        assertThat(r.get("new_ip_address")).isEqualTo("192.0.2.10");
    }

    @Test
    @Order(7)
    void delete_takesEffectInTheRunningKea() throws Exception {
        assertThat(api.post(NET, "hostname=r1&mac=52:54:00:00:50:01&ip=192.0.2.120&filename=pxelinux.0").status())
                .isEqualTo(200);
        assertThat(net.dhclient("52:54:00:00:50:01").get("new_ip_address")).isEqualTo("192.0.2.120");
        DhcpRelease.send(net.cli, "52:54:00:00:50:01", "192.0.2.120", "192.0.2.1");

        assertThat(api.deleteMac(NET, "52:54:00:00:50:01").status()).isEqualTo(200);
        assertThat(api.getMac(NET, "52:54:00:00:50:01").status()).isEqualTo(404);
        assertThat(Files.readString(kea.config)).doesNotContain("52:54:00:00:50:01");
        // while the reservation held it, Kea would refuse .120 to any other MAC
        Dhclient.Result now = net.dhclient("52:54:00:00:50:03", "send dhcp-requested-address 192.0.2.120;");
        assertThat(now.get("new_ip_address")).isEqualTo("192.0.2.120");
    }

    @Test
    @Order(8)
    void keaDown_is503WithAMessage_andNothingHangs() throws Exception {
        kea.stop();
        try {
            KeaBackend opened = KeaBackend.open(new KeaSettings(kea.socket, null, null, null), InstantSource.system(),
                    n -> true);
            assertThat(new InProcessApi(opened).list().status()).as("opened while Kea is down").isEqualTo(503);
            InProcessApi.Answer get = api.getMac(NET, "52:54:00:ab:cd:ef");
            // the cached configuration may still answer a reservation read; a lease read must go to Kea
            InProcessApi.Answer lease = api.getMac(NET, "52:54:00:00:40:99");
            assertThat(lease.status()).as(get + " / " + lease).isEqualTo(503);
            assertThat(lease.body()).contains("Kea is not reachable at control socket " + kea.socket);
            InProcessApi.Answer post = api.post(NET, "hostname=d1&mac=52:54:00:00:60:01&ip=192.0.2.60");
            assertThat(post.status()).isEqualTo(503);
            assertThat(post.body()).contains("Kea is not reachable");
        } finally {
            kea.start();
        }
        assertThat(api.getMac(NET, "52:54:00:00:60:01").status()).as("the failed POST left nothing").isEqualTo(404);
    }

    @Test
    @Order(9)
    void withoutLeaseCmds_leaseReadsAre501_andReservationsStillWork() throws Exception {
        try (KeaDaemon bare = KeaDaemon.start(net.srv, net.dir.resolve("kea-bare"), false)) {
            // a second kea-dhcp4 on the same interface is fine: this one only answers its control socket here
            KeaBackend b = KeaBackend.open(new KeaSettings(bare.socket, null, null, null), InstantSource.system(),
                    n -> true);
            assertThat(b.hasLeaseCommands()).isFalse();
            InProcessApi bareApi = new InProcessApi(b);
            assertThat(bareApi.post(NET, FOREMAN_POST).status()).isEqualTo(200);
            assertThat(bareApi.getMac(NET, "52:54:00:ab:cd:ef").status()).isEqualTo(200);
            InProcessApi.Answer lease = bareApi.getMac(NET, "52:54:00:00:40:01");
            assertThat(lease.status()).isEqualTo(501);
            assertThat(lease.body()).contains("lease_cmds");
            assertThat(bareApi.getSubnet(NET).status()).isEqualTo(501);
        }
    }
}
