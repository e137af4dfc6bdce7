package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.stream.Stream;
import org.bootproxy.dhcp.backend.dnsmasq.DnsmasqBackend;
import org.bootproxy.dhcp.backend.dnsmasq.DnsmasqSettings;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The {@code dnsmasq} provider against a real dnsmasq 2.90 in a namespace pair with the real ISC
 * dhclient: the hosts/options files the API writes are what dnsmasq hands out (read by inotify,
 * no restart), they survive a restart, and DELETE (files gone + SIGHUP) frees the address in the
 * running dnsmasq; where dnsmasq 2.90 would crash on the SIGHUP (see DnsmasqBackend) the deleted
 * MAC loses address and boot file at once, and the address stays held until dnsmasq restarts.
 * A bonded host's two reservations are one multi-MAC line that gives either MAC the address and
 * boot file; deleting one keeps the other, in the running dnsmasq and after a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsmasqLiveTest {

    static final String NET = "192.0.2.0";

    ServerClientPair net;
    Path dir;
    NetNs srv;
    NetNs cli;
    DnsmasqDaemon dnsmasq;
    DnsmasqBackend backend;
    InProcessApi api;

    @BeforeAll
    void start() throws Exception {
        net = new ServerClientPair("m");
        dir = net.dir;
        srv = net.srv;
        cli = net.cli;
        dnsmasq = DnsmasqDaemon.start(srv, dir.resolve("dnsmasq"));
        net.serverLog(() -> dnsmasq.log());
        backend = DnsmasqBackend.open(new DnsmasqSettings(dnsmasq.config, null, null, null, null),
                InstantSource.system(), n -> true);
        api = new InProcessApi(backend);
    }

    @AfterAll
    void stop() {
        if (dnsmasq != null) {
            dnsmasq.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private Dhclient.Result dhclient(String mac, String... conf) throws Exception {
        return net.dhclient(mac, conf);
    }

    private long filesOf(Path d, String hex) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().contains(hex)).count();
        }
    }

    @Test
    @Order(1)
    void subnets_comeFromDhcpRange_withTheIncludedOptions_andStaticHostsAreNotDeleteable() {
        assertThat(api.list().body()).contains("network=192.0.2.0", "netmask=255.255.255.0", "192.0.2.100",
                "192.0.2.150", "routers=[192.0.2.1]", "domain_name=example.com").doesNotContain("192.0.2.200");
        assertThat(api.getMac(NET, "52:54:00:00:99:01").body()).contains("\"ip\":\"192.0.2.99\"",
                "\"name\":\"static1\"", "\"deleteable\":false");
        InProcessApi.Answer delete = api.deleteMac(NET, "52:54:00:00:99:01");
        assertThat(delete.status()).isEqualTo(400);
        assertThat(delete.body()).contains("dhcp-host line");
    }

    @Test
    @Order(2)
    void deleteOfAnUntaggedHost_sighupsDnsmasq_andAnotherMacGetsTheAddressWithoutARestart() throws Exception {
        assertThat(api.post(NET, "hostname=u1&mac=52:54:00:00:51:01&ip=192.0.2.121").status()).isEqualTo(200);
        assertThat(Files.readString(dnsmasq.hostsdir.resolve("bootproxy-525400005101-192.0.2.0")))
                .endsWith("\n52:54:00:00:51:01,192.0.2.121,u1\n");
        assertThat(dhclient("52:54:00:00:51:01").get("new_ip_address")).isEqualTo("192.0.2.121");
        DhcpRelease.send(cli, "52:54:00:00:51:01", "192.0.2.121", "192.0.2.1");

        assertThat(api.deleteMac(NET, "52:54:00:00:51:01").status()).isEqualTo(200);
        assertThat(filesOf(dnsmasq.hostsdir, "525400005101")).isZero();
        // had dnsmasq kept the host record (no SIGHUP), it would refuse .121 to any other MAC
        Dhclient.Result now = dhclient("52:54:00:00:51:02", "send dhcp-requested-address 192.0.2.121;");
        assertThat(now.get("new_ip_address")).isEqualTo("192.0.2.121");
        assertThat(dnsmasq.log()).startsWith("(running)");
    }

    @Test
    @Order(3)
    void foremansPost_createsAReservation_thatDnsmasqHandsToDhclient() throws Exception {
        assertThat(api.post(NET, KeaLiveTest.FOREMAN_POST)).isEqualTo(new InProcessApi.Answer(200, ""));
        assertThat(api.getMac(NET, "52:54:00:ab:cd:ef").body()).contains("\"ip\":\"192.0.2.10\"",
                "\"type\":\"reservation\"", "\"filename\":\"grub2/shimx64.efi\"", "\"nextServer\":\"192.0.2.7\"",
                "\"deleteable\":true", "\"name\":\"h1.example.com\"");
        Dhclient.Result r = dhclient("52:54:00:ab:cd:ef",
                "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";");
        assertThat(r.get("new_ip_address")).isEqualTo("192.0.2.10");
        assertThat(r.get("new_bootfile_name")).isEqualTo("grub2/shimx64.efi");
        assertThat(r.get("new_next_server")).isEqualTo("192.0.2.7");
    }

    @Test
    @Order(4)
    void identicalRePost_is200_conflictingOnesAre409() {
        String post = KeaLiveTest.FOREMAN_POST;
        assertThat(api.post(NET, post).status()).isEqualTo(200);
        assertThat(api.post(NET, post.replace("192.0.2.10", "192.0.2.11")))
                .isEqualTo(new InProcessApi.Answer(409, "Record 192.0.2.0/192.0.2.11 already exists"));
        assertThat(api.post(NET, post.replace("3Aef", "3Aee")).status()).isEqualTo(409);
        assertThat(api.post(NET, "hostname=x1&mac=52:54:00:00:99:02&ip=192.0.2.99").status())
                .as("the static host's IP").isEqualTo(409);
    }

    @Test
    @Order(5)
    void hostileValues_neverBecomeAnotherOption_andLeaveNoFile() throws Exception {
        for (String filename : new String[] {"a%2Cset%3Aevil", "a%22b", "a%23b", "a%0Adhcp-host%3Dx", "a%20b"}) {
            InProcessApi.Answer r = api.post(NET, "hostname=e1&mac=52:54:00:00:66:01&ip=192.0.2.66&filename="
                    + filename);
            assertThat(r.status()).as(filename + ": " + r).isEqualTo(400);
        }
        assertThat(api.post(NET, "hostname=e1,set:x&mac=52:54:00:00:66:01&ip=192.0.2.66").status()).isEqualTo(400);
        assertThat(filesOf(dnsmasq.hostsdir, "525400006601") + filesOf(dnsmasq.optsdir, "525400006601")).isZero();
        // a passed-through option with a newline, commas and a long value stays inside the comment lines
        String longValue = "x,192.0.2.67,evil%0A52:54:00:00:66:09,192.0.2.68".repeat(4);
        assertThat(api.post(NET, "hostname=e2&mac=52:54:00:00:66:02&ip=192.0.2.67&note=" + longValue).status())
                .isEqualTo(400); // the API refuses control characters itself
        assertThat(api.post(NET, "hostname=e2&mac=52:54:00:00:66:02&ip=192.0.2.67&note="
                + "x,192.0.2.68,set:evil".repeat(12)).status()).isEqualTo(200);
        assertThat(api.getIp(NET, "192.0.2.68").status()).isEqualTo(404);
        assertThat(api.getMac(NET, "52:54:00:00:66:02").body()).contains("192.0.2.68,set:evil");
        assertThat(api.deleteMac(NET, "52:54:00:00:66:02").status()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void aLeaseDnsmasqHandsOut_showsInTheApi() throws Exception {
        Dhclient.Result r = dhclient("52:54:00:00:40:01");
        String ip = r.get("new_ip_address");
        assertThat(ip).startsWith("192.0.2.1");
        assertThat(api.getMac(NET, "52:54:00:00:40:01").body()).contains("\"ip\":\"" + ip + "\"",
                "\"type\":\"lease\"", "\"state\":\"active\"");
        assertThat(api.getSubnet(NET).body()).contains("\"mac\":\"52:54:00:00:40:01\"", "192.0.2.10");
    }

    @Test
    @Order(7)
    void theReservation_survivesADnsmasqRestart() throws Exception {
        dnsmasq.stop();
        dnsmasq.start();
        Dhclient.Result r = dhclient("52:54:00:ab:cd:ef");
        assertThat(r.get("new_ip_address")).isEqualTo("192.0.2.10");
        assertThat(r.get("new_bootfile_name")).isEqualTo("grub2/shimx64.efi");
    }

    @Test
    @Order(8)
    void deleteOfAServedTaggedHost_keepsDnsmasq290Running_theMacLosesAddressAndBootFileAtOnce_theAddressIsHeldUntilARestart()
            throws Exception {
        assertThat(api.post(NET, "hostname=r1&mac=52:54:00:00:50:01&ip=192.0.2.120&filename=pxelinux.0").status())
                .isEqualTo(200);
        Dhclient.Result served = dhclient("52:54:00:00:50:01");
        assertThat(served.get("new_ip_address")).isEqualTo("192.0.2.120");
        assertThat(served.get("new_bootfile_name")).isEqualTo("pxelinux.0");
        DhcpRelease.send(cli, "52:54:00:00:50:01", "192.0.2.120", "192.0.2.1");
        String pid = Files.readString(dnsmasq.pidFile).strip();

        // 2.90 would crash on a SIGHUP now (h1 and r1 were served with their tags): the hosts file becomes a tombstone
        assertThat(api.deleteMac(NET, "52:54:00:00:50:01").status()).isEqualTo(200);
        assertThat(Files.readString(dnsmasq.hostsdir.resolve("bootproxy-525400005001-192.0.2.0")))
                .startsWith("# bootproxy-deleted pid=" + pid + " ip=192.0.2.120\n").endsWith("\n52:54:00:00:50:01\n");
        assertThat(filesOf(dnsmasq.optsdir, "525400005001")).isZero();
        assertThat(api.getMac(NET, "52:54:00:00:50:01").status()).isEqualTo(404);

        // the running dnsmasq no longer gives the deleted MAC its address or boot file
        Dhclient.Result after = dhclient("52:54:00:00:50:01");
        assertThat(after.get("new_ip_address")).as(after.toString()).isNotEqualTo("192.0.2.120").startsWith("192.0.2.1");
        assertThat(after.get("new_bootfile_name")).as(after.toString()).isNull();
        DhcpRelease.send(cli, "52:54:00:00:50:01", after.get("new_ip_address"), "192.0.2.1");
        assertThat(dnsmasq.log()).as("dnsmasq still serves").startsWith("(running)");
        assertThat(Files.readString(dnsmasq.pidFile).strip()).isEqualTo(pid);

        // but it holds .120 until it restarts, and would refuse a dhcp-host line for it: bootproxy says so
        InProcessApi.Answer held = api.post(NET, "hostname=r3&mac=52:54:00:00:50:03&ip=192.0.2.120");
        assertThat(held.status()).isEqualTo(503);
        assertThat(held.body()).contains("still holds 192.0.2.120", "52:54:00:00:50:01", "restart dnsmasq");
        assertThat(filesOf(dnsmasq.hostsdir, "525400005003")).isZero();

        dnsmasq.stop();
        dnsmasq.start();
        assertThat(api.post(NET, "hostname=r3&mac=52:54:00:00:50:03&ip=192.0.2.120&filename=r3.efi").status())
                .isEqualTo(200);
        assertThat(filesOf(dnsmasq.hostsdir, "525400005001")).as("the old dnsmasq's tombstone").isZero();
        assertThat(dnsmasq.hostsdir.resolve(".bootproxy-held")).doesNotExist();
        Dhclient.Result now = dhclient("52:54:00:00:50:03");
        assertThat(now.get("new_ip_address")).isEqualTo("192.0.2.120");
        assertThat(now.get("new_bootfile_name")).isEqualTo("r3.efi");
    }

    @Test
    @Order(9)
    void dnsmasqDown_writesAre503_andLeaveNothing() throws Exception {
        dnsmasq.stop();
        try {
            InProcessApi.Answer post = api.post(NET, "hostname=d1&mac=52:54:00:00:60:01&ip=192.0.2.60&filename=a.efi");
            assertThat(post.status()).isEqualTo(503);
            assertThat(post.body()).contains("dnsmasq is not running");
            assertThat(filesOf(dnsmasq.hostsdir, "525400006001") + filesOf(dnsmasq.optsdir, "525400006001")).isZero();
            assertThat(api.deleteMac(NET, "52:54:00:ab:cd:ef").status()).isEqualTo(503);
            assertThat(filesOf(dnsmasq.hostsdir, "525400abcdef")).isEqualTo(1);
        } finally {
            dnsmasq.start();
        }
    }

    private static String bonded(String name, String mac, String other) {
        return "hostname=bond.example.com&mac=" + mac.replace(":", "%3A") + "&ip=192.0.2.30&network=192.0.2.0"
                + "&nextServer=192.0.2.7&filename=bond.efi&name=" + name + "&related_macs[]="
                + other.replace(":", "%3A");
    }

    private void assertServed(String mac) throws Exception {
        assertServed(mac, "192.0.2.30", "bond.efi");
    }

    private void assertServed(String mac, String ip, String bootfile) throws Exception {
        Dhclient.Result r = dhclient(mac);
        assertThat(r.get("new_ip_address")).as(mac + " " + r).isEqualTo(ip);
        assertThat(r.get("new_bootfile_name")).as(mac + " " + r).isEqualTo(bootfile);
        if (bootfile != null) {
            assertThat(r.get("new_next_server")).as(mac + " " + r).isEqualTo("192.0.2.7");
        }
        DhcpRelease.send(cli, mac, ip, "192.0.2.1");
    }

    private void assertNotServed(String mac, String ip) throws Exception {
        Dhclient.Result r = dhclient(mac);
        assertThat(r.get("new_ip_address")).as(mac + " " + r).isNotEqualTo(ip).startsWith("192.0.2.1");
        assertThat(r.get("new_bootfile_name")).as(mac + " " + r).isNull();
        DhcpRelease.send(cli, mac, r.get("new_ip_address"), "192.0.2.1");
    }

    private void assertNotServed(String mac) throws Exception {
        assertNotServed(mac, "192.0.2.30");
    }

    /** The lines dnsmasq reads of a hosts file (not the comments). */
    private java.util.List<String> hostLines(String hex) throws Exception {
        return Files.readAllLines(dnsmasq.hostsdir.resolve("bootproxy-" + hex + "-192.0.2.0")).stream()
                .filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    @Order(1)
    void bondedHostWithoutBootFile_onADnsmasqThatMayBeSighupped_deleteRewritesTheLineAndSighups() throws Exception {
        String m6 = "52:54:00:b0:0d:06";
        String m7 = "52:54:00:b0:0d:07";
        String pid = Files.readString(dnsmasq.pidFile).strip();
        assertThat(api.post(NET, "hostname=b2&mac=" + m6 + "&ip=192.0.2.131&related_macs[]=" + m7).status())
                .isEqualTo(200);
        assertThat(api.post(NET, "hostname=b2&mac=" + m7 + "&ip=192.0.2.131&related_macs[]=" + m6).status())
                .isEqualTo(200);
        assertThat(hostLines("525400b00d06")).containsExactly(m6 + "," + m7 + ",192.0.2.131,b2");
        assertThat(hostLines("525400b00d07")).isEmpty();
        assertServed(m7, "192.0.2.131", null);
        assertServed(m6, "192.0.2.131", null);

        assertThat(api.deleteMac(NET, m6).status()).isEqualTo(200);
        assertThat(filesOf(dnsmasq.hostsdir, "525400b00d06")).isZero();
        assertThat(hostLines("525400b00d07")).containsExactly(m7 + ",192.0.2.131,b2");
        assertThat(api.getMac(NET, m7).body()).contains("\"related_macs\":[\"" + m6 + "\"]");
        assertServed(m7, "192.0.2.131", null);
        assertNotServed(m6, "192.0.2.131"); // the old line is gone: dnsmasq was sent SIGHUP
        assertThat(api.deleteMac(NET, m7).status()).isEqualTo(200);
        // SIGHUPped, not restarted: the running dnsmasq holds .31 for nobody any more
        Dhclient.Result other = dhclient("52:54:00:b0:0d:08", "send dhcp-requested-address 192.0.2.131;");
        assertThat(other.get("new_ip_address")).as(other.toString()).isEqualTo("192.0.2.131");
        DhcpRelease.send(cli, "52:54:00:b0:0d:08", "192.0.2.131", "192.0.2.1");
        assertThat(Files.readString(dnsmasq.pidFile).strip()).isEqualTo(pid);
        assertThat(dnsmasq.log()).startsWith("(running)");
    }

    @Test
    @Order(10)
    void bondedHost_foremansTwoPosts_eitherMacGetsTheSharedAddressAndBootFileFromDnsmasq_deletingOneKeepsTheOther()
            throws Exception {
        String mac1 = "52:54:00:b0:0d:01";
        String mac2 = "52:54:00:b0:0d:02";
        String pid = Files.readString(dnsmasq.pidFile).strip();
        // tagged hosts were served by this dnsmasq 2.90 (earlier tests): it must not be sent SIGHUP
        assertThat(api.post(NET, bonded("bond.example.com-01", mac1, mac2))).isEqualTo(new InProcessApi.Answer(200, ""));
        assertThat(api.post(NET, bonded("bond.example.com-02", mac2, mac1))).isEqualTo(new InProcessApi.Answer(200, ""));
        assertThat(api.getIp(NET, "192.0.2.30").body()).contains(mac1, mac2);
        assertThat(api.getMac(NET, mac1).body()).contains("\"name\":\"bond.example.com-01\"", "\"ip\":\"192.0.2.30\"",
                "\"related_macs\":[\"" + mac2 + "\"]", "\"filename\":\"bond.efi\"");
        assertThat(api.getMac(NET, mac2).body()).contains("\"name\":\"bond.example.com-02\"", "\"ip\":\"192.0.2.30\"",
                "\"related_macs\":[\"" + mac1 + "\"]", "\"filename\":\"bond.efi\"");

        // one multi-MAC dhcp-host line, written with the first reservation; the second file only comments
        assertThat(hostLines("525400b00d01")).containsExactly(
                mac1 + "," + mac2 + ",set:bp-525400b00d01-192.0.2.0,192.0.2.30,bond.example.com");
        assertThat(hostLines("525400b00d02")).isEmpty();
        assertServed(mac2);
        assertServed(mac1);
        // both NICs active: the last to ask gets the address, dnsmasq drops the other's lease
        Dhclient.Result second = dhclient(mac2);
        assertThat(second.get("new_ip_address")).as(second.toString()).isEqualTo("192.0.2.30");
        assertServed(mac1);
        assertThat(dnsmasq.log()).contains("abandoning lease to " + mac2 + " of 192.0.2.30");
        assertThat(api.post(NET, bonded("bond.example.com-02", mac2, mac1)).status()).isEqualTo(200);
        assertThat(api.post(NET, bonded("bond.example.com-01", mac1, mac2)).status()).isEqualTo(200);
        assertThat(dnsmasq.log()).doesNotContain("duplicate dhcp-host IP address 192.0.2.30");

        assertThat(api.deleteMac(NET, mac1).status()).isEqualTo(200);
        assertThat(Files.readString(dnsmasq.pidFile).strip()).isEqualTo(pid);
        assertThat(hostLines("525400b00d01")).containsExactly(mac1);
        assertThat(hostLines("525400b00d02")).containsExactly(
                mac2 + ",set:bp-525400b00d02-192.0.2.0,192.0.2.30,bond.example.com");
        assertThat(Files.readString(dnsmasq.optsdir.resolve("bootproxy-525400b00d02-192.0.2.0")))
                .contains("tag:bp-525400b00d02-192.0.2.0,option:bootfile-name,bond.efi");
        assertThat(api.getMac(NET, mac1).status()).isEqualTo(404);
        assertThat(api.getMac(NET, mac2).body()).contains("\"name\":\"bond.example.com-02\"",
                "\"related_macs\":[\"" + mac1 + "\"]");
        assertThat(api.getIp(NET, "192.0.2.30").body()).contains(mac2).doesNotContain("\"mac\":\"" + mac1);
        assertServed(mac2);
        assertNotServed(mac1);
        assertThat(api.post(NET, bonded("bond.example.com-02", mac2, mac1)).status()).isEqualTo(200);
        assertThat(dnsmasq.log()).as("dnsmasq still serves").startsWith("(running)")
                .as("it refuses the rewritten line while the old one is loaded")
                .contains("duplicate dhcp-host IP address 192.0.2.30");

        // what the files say after the delete is what a restarted dnsmasq serves
        dnsmasq.stop();
        dnsmasq.start();
        assertServed(mac2);
        assertNotServed(mac1);
        assertThat(api.getMac(NET, mac2).body()).contains("\"name\":\"bond.example.com-02\"");
        assertThat(api.deleteMac(NET, mac2).status()).isEqualTo(200);
        assertThat(api.getIp(NET, "192.0.2.30").status()).isEqualTo(404);
    }

    @Test
    @Order(11)
    void bondedHost_whatOneDhcpHostLineCannotServe_is409_andWritesNothing() throws Exception {
        String m3 = "52:54:00:b0:0d:03";
        String m4 = "52:54:00:b0:0d:04";
        String m5 = "52:54:00:b0:0d:05";
        assertThat(api.post(NET, "hostname=b3&mac=" + m3 + "&ip=192.0.2.40&filename=x.efi").status()).isEqualTo(200);
        // m3 has a reservation of its own: not on m4's line; m5 has none: it is
        assertThat(api.post(NET, "hostname=b4&mac=" + m4 + "&ip=192.0.2.41&filename=x.efi&related_macs[]=" + m3
                + "&related_macs[]=" + m5).status()).isEqualTo(200);
        assertThat(hostLines("525400b00d04")).containsExactly(
                m4 + "," + m5 + ",set:bp-525400b00d04-192.0.2.0,192.0.2.41,b4");

        InProcessApi.Answer otherBootFile = api.post(NET, "hostname=b4&mac=" + m5
                + "&ip=192.0.2.41&filename=y.efi&related_macs[]=" + m4);
        assertThat(otherBootFile.status()).isEqualTo(409);
        assertThat(otherBootFile.body()).contains(m5, "needs the filename and nextServer of " + m4);
        InProcessApi.Answer elsewhere = api.post(NET, "hostname=b5&mac=" + m5 + "&ip=192.0.2.42");
        assertThat(elsewhere.status()).isEqualTo(409);
        assertThat(elsewhere.body()).contains(m5, "dhcp-host line of the bonded host at 192.0.2.41");
        assertThat(filesOf(dnsmasq.hostsdir, "525400b00d05") + filesOf(dnsmasq.optsdir, "525400b00d05")).isZero();

        // m3 moving into the bond would need the line rewritten and a SIGHUP, which would crash this dnsmasq
        assertThat(api.deleteMac(NET, m3).status()).isEqualTo(200);
        String tombstone = Files.readString(dnsmasq.hostsdir.resolve("bootproxy-525400b00d03-192.0.2.0"));
        InProcessApi.Answer join = api.post(NET, "hostname=b4&mac=" + m3 + "&ip=192.0.2.41&filename=x.efi"
                + "&related_macs[]=" + m4);
        assertThat(join.status()).isEqualTo(409);
        assertThat(join.body()).contains(m3, "needs a SIGHUP", "would crash", "nothing was written");
        assertThat(Files.readString(dnsmasq.hostsdir.resolve("bootproxy-525400b00d03-192.0.2.0"))).isEqualTo(tombstone);
        assertThat(hostLines("525400b00d04")).containsExactly(
                m4 + "," + m5 + ",set:bp-525400b00d04-192.0.2.0,192.0.2.41,b4");

        // the last reservation of the bond: its MAC and the related MAC on its line stop being served
        assertThat(api.deleteMac(NET, m4).status()).isEqualTo(200);
        assertThat(hostLines("525400b00d04")).containsExactly(m4);
        assertThat(hostLines("525400b00d05")).containsExactly(m5);
        assertThat(api.getIp(NET, "192.0.2.41").status()).isEqualTo(404);
        assertNotServed(m5, "192.0.2.41");
    }
}
