package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bootproxy.dhcp.protocol.DhcpCodec;
import org.bootproxy.dhcp.protocol.DhcpMessage;
import org.bootproxy.dhcp.protocol.DhcpOptions;
import org.bootproxy.dhcp.protocol.MessageType;
import org.bootproxy.dhcp.protocol.OptionCode;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.Test;

/**
 * proxyDHCP beside a real dnsmasq that only hands out addresses (same server namespace, both on
 * port 67): the real dhclient gets its address from dnsmasq, the client's link sees bootproxy's
 * boot-only OFFER, and a PXE boot-server REQUEST to port 4011 gets an ACK with the boot file.
 */
class ProxyDhcpLiveTest {

    /** Captures the UDP payloads sent to port 68 on veth0, one hex line each (raw socket). */
    static final String SNIFFER = """
            import socket, sys, binascii, time
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0800))
            s.bind(("veth0", 0))
            s.settimeout(0.2)
            print("ready", flush=True)
            with open(sys.argv[1], "w") as f:
                while True:
                    try:
                        p = s.recv(65535)
                    except socket.timeout:
                        continue
                    ip = p[14:]
                    ihl = (ip[0] & 15) * 4
                    if ip[9] != 17:
                        continue
                    udp = ip[ihl:]
                    if int.from_bytes(udp[2:4], "big") == 68:
                        f.write(binascii.hexlify(udp[8:]).decode() + "\\n")
                        f.flush()
            """;

    /** Sends one datagram from <addr>:68 to 192.0.2.1:4011 and prints the reply in hex. */
    static final String UDP_4011 = """
            import socket, sys, binascii
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            # a dhclient that is still exiting may hold *:68 (with SO_REUSEADDR, as ISC dhclient
            # sets it): reuse lets this more specific bind in, and the reply comes to it
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((sys.argv[1], 68))
            s.settimeout(5)
            s.sendto(binascii.unhexlify(sys.argv[2]), ("192.0.2.1", 4011))
            d, a = s.recvfrom(4096)
            print(a[0], a[1], binascii.hexlify(d).decode())
            """;

    @Test
    void proxyBesideDnsmasq_bootInfoWithoutAddress_on67And4011() throws Exception {
        try (ServerClientPair net = new ServerClientPair("p")) {
            Path dir = net.dir;
            NetNs srv = net.srv;
            NetNs cli = net.cli;
            Process dnsmasq = srv.start(new ProcessBuilder("dnsmasq", "--no-daemon", "--conf-file=/dev/null",
                    "--port=0", "--bind-interfaces", "--interface=veth0", "--dhcp-authoritative",
                    "--dhcp-range=192.0.2.200,192.0.2.210,255.255.255.0,1h",
                    "--dhcp-leasefile=" + dir.resolve("dnsmasq.leases"), "--log-dhcp", "--pid-file=")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()));
            Thread.sleep(500);
            assertThat(dnsmasq.isAlive()).as(Files.readString(dir.resolve("dnsmasq.log"))).isTrue();
            Path yaml = LiveServer.writeConfig(dir, """
                    enabled: true
                    mode: proxy
                    interfaces: [veth0]
                    state_dir: %s
                    """.formatted(dir.resolve("state")));
            try (LiveServer server = LiveServer.start(srv, yaml)) {
                Path capture = dir.resolve("capture.hex");
                Process sniffer = cli.start(new ProcessBuilder("python3", "-c", SNIFFER, capture.toString()));
                assertThat(new String(sniffer.getInputStream().readNBytes(5))).isEqualTo("ready");

                Dhclient.Result r = Dhclient.run(cli, dir, "52:54:00:00:20:01", "require subnet-mask;",
                        "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";", "send bp-arch 7;");
                Thread.sleep(300);
                sniffer.destroy();
                String diag = "dhclient:\n" + r.output() + "\nserver:\n" + server.log() + "\ndnsmasq:\n"
                        + Files.readString(dir.resolve("dnsmasq.log"));
                // the address comes from dnsmasq, without boot information
                assertThat(r.bound()).as(diag).containsKey("new_ip_address");
                String ip = r.get("new_ip_address");
                assertThat(ip).as(diag).startsWith("192.0.2.2");
                assertThat(r.bound()).doesNotContainKey("new_filename");

                List<DhcpMessage> seen = new ArrayList<>();
                for (String line : Files.readAllLines(capture)) {
                    seen.add(DhcpCodec.decode(HexFormat.of().parseHex(line.trim())));
                }
                DhcpMessage proxyOffer = seen.stream().filter(m -> m.type() == MessageType.OFFER
                        && m.yiaddr().value() == 0).findFirst().orElseThrow(() -> new AssertionError(seen + "\n" + diag));
                assertThat(proxyOffer.file()).isEqualTo("grub2/grubx64.efi");
                assertThat(proxyOffer.siaddr()).isEqualTo(Ipv4Address.parse("192.0.2.1"));
                assertThat(proxyOffer.options().vendorClass()).contains("PXEClient");
                assertThat(proxyOffer.options().has(OptionCode.VENDOR_SPECIFIC)).isTrue();
                assertThat(proxyOffer.options().has(OptionCode.LEASE_TIME)).isFalse();
                assertThat(seen).anyMatch(m -> m.type() == MessageType.OFFER && m.yiaddr().toString().equals(ip)
                        && m.file().isEmpty());
                // bootproxy never acknowledged the address exchange
                assertThat(seen.stream().filter(m -> m.type() == MessageType.ACK)).allMatch(m -> m.file().isEmpty());

                // PXE boot-server discovery: REQUEST to 4011 from the configured client
                cli.ip("addr", "add", ip + "/24", "dev", "veth0");
                byte[] chaddr = new byte[16];
                System.arraycopy(MacAddress.parse("52:54:00:00:20:01").octets(), 0, chaddr, 0, 6);
                DhcpMessage req = new DhcpMessage(1, 1, 6, 0, 0x4011, 0, 0, Ipv4Address.parse(ip), DhcpMessage.ZERO,
                        DhcpMessage.ZERO, DhcpMessage.ZERO, chaddr, "", "", DhcpOptions.builder()
                        .messageType(MessageType.REQUEST).putString(OptionCode.VENDOR_CLASS,
                                "HTTPClient:Arch:00016:UNDI:003000").putUint16(OptionCode.CLIENT_ARCH, 16).build());
                NetNs.Shell.Result answer = cli.run(20, "python3", "-c", UDP_4011, ip,
                        HexFormat.of().formatHex(DhcpCodec.encode(req)));
                // seen failing under load with EADDRINUSE on :68: then say which sockets the client namespace holds
                String udp = answer.exit() == 0 ? "" : cli.run(10, "ss", "-uanp").output();
                assertThat(answer.exit()).as(answer.output() + "\n" + udp + "\n" + server.log()).isZero();
                String[] parts = answer.output().trim().split(" ");
                assertThat(parts[0] + ":" + parts[1]).isEqualTo("192.0.2.1:4011");
                DhcpMessage ack = DhcpCodec.decode(HexFormat.of().parseHex(parts[2]));
                assertThat(ack.type()).isEqualTo(MessageType.ACK);
                assertThat(ack.xid()).isEqualTo(0x4011);
                assertThat(ack.yiaddr().value()).isZero();
                assertThat(ack.options().vendorClass()).contains("HTTPClient");
                assertThat(ack.options().string(OptionCode.BOOTFILE_NAME))
                        .contains("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi");
            }
        }
    }
}
