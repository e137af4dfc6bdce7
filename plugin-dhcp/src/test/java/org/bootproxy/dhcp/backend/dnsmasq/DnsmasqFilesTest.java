package org.bootproxy.dhcp.backend.dnsmasq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dnsmasq's configuration, lease file and the files bootproxy writes, without a daemon. */
class DnsmasqFilesTest {

    @TempDir
    Path dir;

    @Test
    void read_followsIncludes_andUnderstandsRangeForms() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/a.conf"), "dhcp-range=tag:x,set:y,192.0.2.130,static,255.255.255.192\n");
        Files.writeString(dir.resolve("d/b.bak"), "dhcp-range=198.51.100.10,198.51.100.20,255.255.255.0\n");
        Files.writeString(dir.resolve("more.conf"), "dhcp-host=52:54:00:00:00:02,52:54:00:00:00:03,192.0.2.5,two\n");
        Files.writeString(dir.resolve("dnsmasq.conf"), """
                # comment
                dhcp-range=set:lab,192.0.2.10,192.0.2.20,255.255.255.128,12h   # trailing comment
                dhcp-range=::1,::ff,constructor:eth0
                dhcp-option=3,192.0.2.1
                dhcp-option=tag:lab,option:dns-server,192.0.2.99
                dhcp-option=option:dns-server,192.0.2.2,192.0.2.3
                domain=example.com
                dhcp-host=52:54:00:00:00:01,192.0.2.4,one,infinite
                dhcp-host=52:54:00:00:00:09,ignore
                dhcp-hostsdir=/h
                dhcp-optsdir=/o
                dhcp-leasefile=/l
                conf-file=more.conf
                conf-dir=d,.bak
                """);
        DnsmasqConfig c = DnsmasqConfig.read(dir.resolve("dnsmasq.conf"), n -> true);
        assertThat(c.subnets()).extracting(s -> s.network().toString())
                .containsExactly("192.0.2.0/25", "192.0.2.128/26");
        Subnet lab = c.subnets().get(0);
        assertThat(lab.rangeFirst()).hasToString("192.0.2.10");
        assertThat(lab.rangeLast()).hasToString("192.0.2.20");
        assertThat(lab.leaseTime()).isEqualTo(Duration.ofHours(12));
        assertThat(lab.routers()).extracting(Object::toString).containsExactly("192.0.2.1");
        assertThat(lab.domainNameServers()).extracting(Object::toString).containsExactly("192.0.2.2", "192.0.2.3");
        assertThat(lab.domainName()).isEqualTo("example.com");
        assertThat(c.subnets().get(1).rangeFirst()).as("static: no pool").isNull();
        assertThat(c.staticHosts()).extracting(r -> r.mac() + " " + r.ip() + " " + r.name() + " " + r.deleteable())
                .containsExactly("52:54:00:00:00:01 192.0.2.4 one false", "52:54:00:00:00:02 192.0.2.5 two false",
                        "52:54:00:00:00:03 192.0.2.5 two false");
        assertThat(c.hostsdir()).isEqualTo(Path.of("/h"));
        assertThat(c.leaseFile()).isEqualTo(Path.of("/l"));
        assertThat(c.pidFile()).isEqualTo(DnsmasqConfig.DEFAULT_PID);
        assertThat(DnsmasqConfig.read(dir.resolve("dnsmasq.conf"), n -> n.prefix() == 26).subnets()).hasSize(1);
    }

    @Test
    void leases_skipV6AndBadLines_andInfiniteNeverExpires() {
        List<DnsmasqLeases.Line> l = DnsmasqLeases.parse(List.of(
                "1700000000 52:54:00:00:00:01 192.0.2.100 h1 01:52:54:00:00:00:01",
                "0 52:54:00:00:00:02 192.0.2.101 * *",
                "garbage",
                "1700000000 zz 192.0.2.102 h3 *",
                "duid 00:01:00:01",
                "1700000000 52:54:00:00:00:04 192.0.2.104 h4 *"));
        assertThat(l).extracting(x -> x.ip().toString()).containsExactly("192.0.2.100", "192.0.2.101");
        assertThat(l.get(0).ends()).isEqualTo(Instant.ofEpochSecond(1700000000));
        assertThat(l.get(1).hostname()).isNull();
        assertThat(l.get(1).ends()).isAfter(Instant.now().plus(Duration.ofDays(3650)));
    }

    private static Reservation r(String hostname, String filename, String nextServer, Map<String, String> options) {
        return new Reservation(hostname, hostname, Ipv4Address.parse("192.0.2.10"), MacAddress.parse("52:54:00:ab:cd:ef"),
                Ipv4Network.parse("192.0.2.0/24"), filename, nextServer, List.of(), options, true);
    }

    @Test
    void files_holdOneHostLine_andTheOptions_taggedOnlyWhenNeeded() throws Exception {
        String hosts = DnsmasqBackend.hostsFile(r("h1.example.com", "grub2/shimx64.efi", "tftp.example.com", Map.of()));
        assertThat(hosts.lines().filter(l -> !l.startsWith("#")))
                .containsExactly("52:54:00:ab:cd:ef,set:bp-525400abcdef-192.0.2.0,192.0.2.10,h1.example.com");
        assertThat(DnsmasqBackend.optsFile(r("h1", "grub2/shimx64.efi", "192.0.2.7", Map.of())))
                .isEqualTo("tag:bp-525400abcdef-192.0.2.0,option:bootfile-name,grub2/shimx64.efi\n"
                        + "tag:bp-525400abcdef-192.0.2.0,option:server-ip-address,192.0.2.7\n");
        assertThat(DnsmasqBackend.optsFile(r("h1", null, "tftp.example.com", Map.of())))
                .isEqualTo("tag:bp-525400abcdef-192.0.2.0,option:tftp-server,tftp.example.com\n");
        assertThat(DnsmasqBackend.hostsFile(r("h1", null, null, Map.of())).lines().filter(l -> !l.startsWith("#")))
                .containsExactly("52:54:00:ab:cd:ef,192.0.2.10,h1");
        assertThat(DnsmasqBackend.optsFile(r("h1", null, null, Map.of()))).isNull();
    }

    @Test
    void hostileValues_areRefused_andLongOptionsStayInShortCommentLines() throws Exception {
        for (String bad : new String[] {"a,b", "a\"b", "a'b", "a#b", "a\\b", "a b", "a\nb"}) {
            assertThatThrownBy(() -> DnsmasqBackend.optsFile(r("h1", bad, null, Map.of())))
                    .isInstanceOf(RecordRejectedException.class).hasMessageContaining("filename");
        }
        assertThatThrownBy(() -> DnsmasqBackend.hostsFile(r("h1,set:x", null, null, Map.of())))
                .isInstanceOf(RecordRejectedException.class).hasMessageContaining("h1,set:x");
        String hosts = DnsmasqBackend.hostsFile(r("h1", null, null, Map.of("note",
                "x,192.0.2.99,evil\n52:54:00:00:00:09,192.0.2.98".repeat(40))));
        // dnsmasq reads at most 1024 bytes per line: every line is far below, and only the last is a host
        assertThat(hosts.lines()).allMatch(l -> l.length() < 200);
        assertThat(hosts.lines().filter(l -> !l.startsWith("#"))).containsExactly("52:54:00:ab:cd:ef,192.0.2.10,h1");
    }

    @Test
    void bondedHost_isOneMultiMacLine_andACommentOnlyFile_thatReadBackAsPosted() throws Exception {
        Reservation first = new Reservation("bond-01", "bond.example.com", Ipv4Address.parse("192.0.2.30"),
                MacAddress.parse("52:54:00:b0:0d:01"), Ipv4Network.parse("192.0.2.0/24"), "bond.efi", "192.0.2.7",
                List.of("52:54:00:b0:0d:02"), Map.of("note", "a,b"), true);
        Reservation second = new Reservation("bond-02", "bond.example.com", first.ip(),
                MacAddress.parse("52:54:00:b0:0d:02"), first.subnet(), "bond.efi", "192.0.2.7",
                List.of("52:54:00:b0:0d:01"), Map.of(), true);
        String hosts = DnsmasqBackend.hostsFile(first, List.of(first.mac(), second.mac()));
        assertThat(hosts.lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "52:54:00:b0:0d:01,52:54:00:b0:0d:02,set:bp-525400b00d01-192.0.2.0,192.0.2.30,bond.example.com");
        String member = DnsmasqBackend.memberFile(second, first);
        assertThat(member.lines()).allMatch(l -> l.startsWith("#"));
        assertThatThrownBy(() -> DnsmasqBackend.hostsFile(first, List.of(second.mac(), first.mac())))
                .isInstanceOf(IllegalArgumentException.class);

        Path hostsdir = Files.createDirectories(dir.resolve("hosts.d"));
        Files.createDirectories(dir.resolve("opts.d"));
        Files.writeString(dir.resolve("dnsmasq.conf"), "dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0\n"
                + "dhcp-hostsdir=" + hostsdir + "\ndhcp-optsdir=" + dir.resolve("opts.d") + "\n");
        Files.writeString(hostsdir.resolve(DnsmasqBackend.fileName(first)), hosts);
        Files.writeString(hostsdir.resolve(DnsmasqBackend.fileName(second)), member);
        DnsmasqBackend b = DnsmasqBackend.open(new DnsmasqSettings(dir.resolve("dnsmasq.conf"), null, null, null,
                null), java.time.InstantSource.system(), n -> true);
        Subnet s = b.subnets().get(0);
        assertThat(b.reservationsByIp(s, first.ip())).containsExactly(first, second);
        assertThat(b.reservationByMac(s, second.mac())).contains(second);
    }
}
