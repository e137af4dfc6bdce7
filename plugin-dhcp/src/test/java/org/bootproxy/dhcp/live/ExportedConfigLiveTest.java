package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.export.ExportFormat;
import org.bootproxy.dhcp.export.ExportModel;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@code bootproxy dhcp-config} generates, run by the real daemon in a namespace and asked by
 * the real dhclient: the external server gives the same boot answers as the embedded one.
 */
class ExportedConfigLiveTest {

    /** The boot file as the client sees it: the {@code file} field, else option 67 (dnsmasq sends only 67 when asked). */
    static String bootFile(Dhclient.Result r) {
        String f = r.get("new_filename");
        return f != null && !f.isEmpty() ? f : r.get("new_bootfile_name");
    }

    @ParameterizedTest
    @EnumSource(value = ExportFormat.class, names = {"ISC", "DNSMASQ", "KEA"})
    void externalServer_givesTheSameBootAnswers(ExportFormat format) throws Exception {
        try (ServerClientPair net = new ServerClientPair("e")) {
            Path dir = net.dir;
            NetNs srv = net.srv;
            NetNs cli = net.cli;
            Subnet subnet = new Subnet(Ipv4Network.parse("192.0.2.0/24"), Ipv4Address.parse("192.0.2.100"),
                    Ipv4Address.parse("192.0.2.150"), List.of(Ipv4Address.parse("192.0.2.1")), List.of(), null,
                    List.of(), java.time.Duration.ofHours(1), null);
            ExportModel model = new ExportModel(List.of(subnet), List.of(),
                    BootRules.from(null, new Listeners(8000, 8443, "*", true, true)), "192.0.2.1", null, List.of("veth0"));
            String text = format.render(model);
            Path conf = dir.resolve("server.conf");
            ProcessBuilder daemon;
            switch (format) {
                case ISC -> {
                    Files.writeString(conf, text);
                    Files.writeString(dir.resolve("dhcpd.leases"), "");
                    daemon = new ProcessBuilder("dhcpd", "-4", "-f", "-cf", conf.toString(), "-lf",
                            dir.resolve("dhcpd.leases").toString(), "-pf", dir.resolve("dhcpd.pid").toString(), "veth0");
                }
                case DNSMASQ -> {
                    Files.writeString(conf, text + "port=0\nbind-interfaces\ndhcp-leasefile=" + dir.resolve("leases") + "\n");
                    daemon = new ProcessBuilder("dnsmasq", "--no-daemon", "--conf-file=" + conf, "--log-dhcp", "--pid-file=");
                }
                case KEA -> {
                    ObjectMapper json = new ObjectMapper();
                    ObjectNode root = (ObjectNode) json.readTree(text);
                    ObjectNode leases = (ObjectNode) root.path("Dhcp4").path("lease-database");
                    leases.put("persist", true).put("name", dir.resolve("kea-leases4.csv").toString());
                    Files.writeString(conf, json.writeValueAsString(root));
                    daemon = new ProcessBuilder("kea-dhcp4", "-c", conf.toString());
                    daemon.environment().put("KEA_PIDFILE_DIR", dir.toString());
                    daemon.environment().put("KEA_LOCKFILE_DIR", dir.toString());
                }
                default -> throw new AssertionError(format);
            }
            Path log = dir.resolve("daemon.log");
            Process p = srv.start(daemon.redirectErrorStream(true).redirectOutput(log.toFile()));
            Thread.sleep(1500);
            assertThat(p.isAlive()).as("%s\n%s", Files.readString(log), text).isTrue();

            Dhclient.Result http = Dhclient.run(cli, dir, "52:54:00:00:30:01",
                    "send vendor-class-identifier \"HTTPClient:Arch:00016:UNDI:003000\";", "send bp-arch 16;");
            String diag = http.bound() + "\n" + http.output() + "\n" + Files.readString(log) + "\n" + text;
            assertThat(http.get("new_ip_address")).as(diag).startsWith("192.0.2.1");
            assertThat(bootFile(http)).as(diag).isEqualTo("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi");
            assertThat(http.get("new_vendor_class_identifier")).as(diag).isEqualTo("HTTPClient");

            Dhclient.Result bios = Dhclient.run(cli, dir, "52:54:00:00:30:02",
                    "send vendor-class-identifier \"PXEClient:Arch:00000:UNDI:002001\";", "send bp-arch 0;");
            assertThat(bootFile(bios)).as(bios.output() + "\n" + Files.readString(log)).isEqualTo("pxelinux.0");

            Dhclient.Result ipxe = Dhclient.run(cli, dir, "52:54:00:00:30:03",
                    "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003010\";", "send bp-arch 7;",
                    "send user-class \"iPXE\";");
            assertThat(bootFile(ipxe)).as(ipxe.output() + "\n" + Files.readString(log))
                    .isEqualTo("http://192.0.2.1:8000/httpboot/pxelinux.cfg/default.ipxe");
        }
    }
}
