package org.bootproxy.dhcp.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sourceforge.argparse4j.inf.Namespace;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every generated configuration passes the real daemon's own configuration check. */
class DhcpConfigExportTest {

    static final String YAML = """
            enabled: true
            interfaces: [lo]
            state_dir: /nonexistent/bootproxy-test
            subnets:
              - network: 192.0.2.0/24
                range: [192.0.2.100, 192.0.2.150]
                routers: [192.0.2.1]
                domain_name_servers: [192.0.2.1, 192.0.2.2]
                domain_name: example.com
                ntp_servers: [192.0.2.3]
                lease_time: 12h
                interface_mtu: 1500
              - network: 198.51.100.0/24
                routers: [198.51.100.1]
            boot:
              rules:
                - mac: "b8:27:eb:00:00:01"
                  filename: bootcode.bin
                  next_server: 192.0.2.9
                - client: PXEClient
                  arch: [0]
                  vendor_class: "PXEClient:Arch:00000:UNDI:002001"
                  filename: undionly.kpxe
                - client: HTTPClient
                  arch: [16]
                  filename: "https://${next_server}:${https_port}/httpboot/grub2/shimx64.efi"
            """;

    @TempDir
    Path dir;

    static DhcpConfig config() throws Exception {
        return new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                .readValue(YAML, DhcpConfig.class);
    }

    static ExportModel model() throws Exception {
        DhcpConfig c = config();
        List<Subnet> subnets = Subnet.fromConfig(c.getSubnets());
        Ipv4Network net = Ipv4Network.parse("192.0.2.0/24");
        List<Reservation> res = List.of(
                new Reservation("h1.example.com", "h1.example.com", Ipv4Address.parse("192.0.2.10"),
                        MacAddress.parse("aa:bb:cc:dd:ee:ff"), net, "grub2/grubx64.efi", "192.0.2.1",
                        List.of("aa:bb:cc:dd:ee:01"), null, true),
                new Reservation("h2.example.com", "h2.example.com", Ipv4Address.parse("192.0.2.11"),
                        MacAddress.parse("aa:bb:cc:dd:ee:02"), net, null, null, List.of(), null, true));
        return new ExportModel(subnets, res, BootRules.from(c.getBoot(), new Listeners(8000, 8443, "*", true, true)),
                "192.0.2.1", "2001:db8::1", c.getInterfaces());
    }

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static void assertDaemonAccepts(NetNs.Shell.Result r, String text) {
        assertThat(r.exit()).as("daemon check output:\n%s\nconfig:\n%s", r.output(), text).isZero();
    }

    @Test
    void isc_passesDhcpdTest() throws Exception {
        String text = ExportFormat.ISC.render(model());
        assertThat(text).contains("class \"bootproxy-httpclients\"", "option vendor-class-identifier \"HTTPClient\";",
                "class \"bootproxy-pxeclients\"", "class \"bootproxy-ipxe\"", "option ipxe.no-pxedhcp 1;",
                "filename \"pxelinux.0\";", "filename \"https://192.0.2.1:8443/httpboot/grub2/shimx64.efi\";",
                "hardware = 01:b8:27:eb:00:00:01", "pick-first-value(option user-class, \"\") = \"iPXE\"", "fixed-address 192.0.2.10;", "hardware ethernet aa:bb:cc:dd:ee:01;",
                "range 192.0.2.100 192.0.2.150;", "subnet 198.51.100.0 netmask 255.255.255.0");
        Path f = write("dhcpd.conf", text);
        assertDaemonAccepts(NetNs.Shell.run(30, "dhcpd", "-t", "-cf", f.toString()), text);
    }

    @Test
    void isc6_passesDhcpd6Test() throws Exception {
        String text = ExportFormat.ISC6.render(model());
        assertThat(text).contains("option dhcp6.vendor-class 343 10 \"HTTPClient\";",
                "option dhcp6.bootfile-url \"http://[2001:db8::1]:8000/httpboot/grub2/grubaa64.efi\";",
                "option dhcp6.bootfile-url \"tftp://[2001:db8::1]/grub2/grubx64.efi\";");
        Path f = write("dhcpd6.conf", text);
        assertDaemonAccepts(NetNs.Shell.run(30, "dhcpd", "-6", "-t", "-cf", f.toString()), text);
    }

    @Test
    void dnsmasq_passesDnsmasqTest() throws Exception {
        String text = ExportFormat.DNSMASQ.render(model());
        assertThat(text).contains("dhcp-vendorclass=set:bp-http,HTTPClient", "dhcp-userclass=set:bp-ipxe,iPXE",
                "dhcp-match=set:bp-arch7,option:client-arch,7", "dhcp-option=tag:bp-ipxe,encap:175,176,1b",
                "dhcp-host=aa:bb:cc:dd:ee:ff,aa:bb:cc:dd:ee:01,192.0.2.10,h1,set:bp-host1",
                "dhcp-boot=tag:bp-host1,grub2/grubx64.efi,,192.0.2.1", "interface=lo");
        Path f = write("dnsmasq.conf", text);
        assertDaemonAccepts(NetNs.Shell.run(30, "dnsmasq", "--test", "--conf-file=" + f), text);
    }

    @Test
    void kea_passesKeaDhcp4Test() throws Exception {
        String text = ExportFormat.KEA.render(model());
        assertThat(text).contains("\"boot-file-name\" : \"pxelinux.0\"", "\"hw-address\" : \"aa:bb:cc:dd:ee:ff\"",
                "not member('bootproxy-rule-1')");
        Path f = write("kea-dhcp4.conf", text);
        assertDaemonAccepts(NetNs.Shell.run(60, "kea-dhcp4", "-t", f.toString()), text);
    }

    @Test
    void kea6_passesKeaDhcp6Test_withTheSameV6RulesAsIsc6() throws Exception {
        String text = ExportFormat.KEA6.render(model());
        assertThat(text).contains("\"bootfile-url\"", "http://[2001:db8::1]:8000/httpboot/grub2/grubaa64.efi",
                "tftp://[2001:db8::1]/grub2/grubx64.efi", "\"data\" : \"343, 000a48545450436c69656e74\"",
                "option[61].hex == 0x0013", "not member('bootproxy6-rule-1')");
        Path f = write("kea-dhcp6.conf", text);
        assertDaemonAccepts(NetNs.Shell.run(60, "kea-dhcp6", "-t", f.toString()), text);
    }

    @Test
    void command_printsTheFormat_withTheGivenNextServerAndPorts() throws Exception {
        Map<String, Object> args = new HashMap<>();
        args.put("format", "isc");
        args.put("next_server", "192.0.2.44");
        args.put("http_port", 8080);
        args.put("https_port", 9443);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DhcpConfigCommand().run(new Namespace(args), config(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("filename \"http://192.0.2.44:8080/httpboot/grub2/grubaa64.efi\";",
                "https://192.0.2.44:9443/httpboot/grub2/shimx64.efi", "next-server 192.0.2.44;");
        Path f = write("cmd.conf", text);
        assertDaemonAccepts(NetNs.Shell.run(30, "dhcpd", "-t", "-cf", f.toString()), text);
    }

    @Test
    void isc6_withoutIpv6Host_isRefused() throws Exception {
        ExportModel m = model();
        ExportModel noV6 = new ExportModel(m.subnets(), m.reservations(), m.rules(), m.nextServer(), null, m.interfaces());
        assertThatThrownBy(() -> ExportFormat.ISC6.render(noV6)).hasMessageContaining("--next-server6");
    }
}
