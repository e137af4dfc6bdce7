package org.bootproxy.dhcp.backend.isc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bootproxy.dhcp.backend.isc.DhcpdConf.StaticHost;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dhcpd.conf as dhcpd reads it: scopes, includes, comments and quoting. */
class DhcpdConfTest {

    @TempDir
    Path dir;

    @Test
    void subnets_inheritOptionsFromEnclosingScopes_andTakeTheirRangeFromAPool() throws Exception {
        DhcpdConf c = DhcpdConf.parse("""
                option domain-name "example.com";   # global
                option domain-name-servers 192.0.2.53, 192.0.2.54;
                default-lease-time 3600;
                key omapi_key { algorithm hmac-md5; secret "c2VjcmV0"; };
                shared-network lab {
                  option routers 192.0.2.1;
                  subnet 192.0.2.0 netmask 255.255.255.128 {
                    pool { range 192.0.2.100 192.0.2.120; }
                    option interface-mtu 9000;
                  }
                  subnet 192.0.2.128 netmask 255.255.255.192 {
                    option routers 192.0.2.129;
                    option domain-name "other;{}#.example";
                    range dynamic-bootp 192.0.2.150;
                  }
                }
                subnet6 2001:db8::/64 { range6 2001:db8::10 2001:db8::20; }
                """, dir);
        assertThat(c.subnets()).hasSize(2);
        Subnet a = c.subnets().get(0);
        assertThat(a.network().toString()).isEqualTo("192.0.2.0/25");
        assertThat(a.rangeFirst()).isEqualTo(Ipv4Address.parse("192.0.2.100"));
        assertThat(a.rangeLast()).isEqualTo(Ipv4Address.parse("192.0.2.120"));
        assertThat(a.routers()).containsExactly(Ipv4Address.parse("192.0.2.1"));
        assertThat(a.domainNameServers()).hasSize(2);
        assertThat(a.domainName()).isEqualTo("example.com");
        assertThat(a.interfaceMtu()).isEqualTo(9000);
        assertThat(a.leaseTime()).isEqualTo(Duration.ofHours(1));
        Subnet b = c.subnets().get(1);
        assertThat(b.routers()).containsExactly(Ipv4Address.parse("192.0.2.129"));
        assertThat(b.domainName()).as("quoted ; { } # stay in the string").isEqualTo("other;{}#.example");
        assertThat(b.rangeFirst()).isEqualTo(b.rangeLast()).isEqualTo(Ipv4Address.parse("192.0.2.150"));
    }

    @Test
    void hosts_inGroupsAndIncludes_areStaticHostsWithInheritedBootOptions() throws Exception {
        Path inc = dir.resolve("hosts.d");
        Files.createDirectories(inc);
        Files.writeString(inc.resolve("lab.conf"), """
                host pxe-1 {
                  hardware ethernet 52:54:00:00:aa:01;
                  fixed-address 192.0.2.5, 192.0.2.6;
                  option host-name "pxe-1.example.com";
                }
                host no-mac { fixed-address 192.0.2.9; }
                host by-name { hardware ethernet 52:54:00:00:aa:02; fixed-address pxe.example.com; }
                """);
        DhcpdConf c = DhcpdConf.parse("""
                group {
                  filename "grub2/shimx64.efi";
                  next-server 192.0.2.7;
                  include "hosts.d/lab.conf";
                }
                host "quoted-name" { hardware ethernet 52:54:00:00:aa:03; fixed-address 192.0.2.8; filename "x y"; }
                subnet 192.0.2.0 netmask 255.255.255.0 { }
                """, dir);
        assertThat(c.hosts()).extracting(StaticHost::name).containsExactly("pxe-1", "quoted-name");
        StaticHost h = c.hosts().get(0);
        assertThat(h.ips()).hasSize(2);
        assertThat(h.filename()).isEqualTo("grub2/shimx64.efi");
        assertThat(h.nextServer()).isEqualTo("192.0.2.7");
        assertThat(h.hostname()).isEqualTo("pxe-1.example.com");
        assertThat(c.hosts().get(1).filename()).isEqualTo("x y");
    }

    @Test
    void unbalancedBraces_failNamingTheLine() {
        assertThatThrownBy(() -> DhcpdConf.parse("option routers 192.0.2.1;\n\nsubnet 192.0.2.0 netmask 255.255.255.0 {\n"
                + "  range 192.0.2.10 192.0.2.20;\n", dir))
                .isInstanceOf(IscSyntaxException.class).hasMessageContaining("line 3").hasMessageContaining("not closed");
        assertThatThrownBy(() -> DhcpdConf.parse("subnet 192.0.2.0 netmask 255.255.0.255 { }", dir))
                .isInstanceOf(IscSyntaxException.class).hasMessageContaining("255.255.0.255");
    }
}
