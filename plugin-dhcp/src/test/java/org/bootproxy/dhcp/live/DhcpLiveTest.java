package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The embedded server against the real ISC dhclient, in a namespace pair (server 192.0.2.1 on
 * veth0, client unconfigured), on the real embedded store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhcpLiveTest {

    static final String RESERVED_MAC = "52:54:00:be:ef:01";

    ServerClientPair net;
    LiveServer server;

    @BeforeAll
    void start() throws Exception {
        net = new ServerClientPair("d");
        Path yaml = LiveServer.writeConfig(net.dir, """
                enabled: true
                mode: server
                interfaces: [veth0]
                state_dir: %s
                subnets:
                  - network: 192.0.2.0/24
                    range: [192.0.2.100, 192.0.2.150]
                    routers: [192.0.2.1]
                    domain_name_servers: [192.0.2.1]
                    domain_name: example.com
                    lease_time: 1h
                """.formatted(net.dir.resolve("state")));
        server = LiveServer.start(net.srv, yaml, RESERVED_MAC + ",192.0.2.20,grub2/shimx64.efi,192.0.2.7");
        net.serverLog(server::log);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private Dhclient.Result dhclient(String mac, String... conf) throws Exception {
        return net.dhclient(mac, conf);
    }

    @Test
    void httpClient_getsAnAddress_option60HTTPClient_andTheUrl() throws Exception {
        Dhclient.Result r = dhclient("52:54:00:00:10:01",
                "send vendor-class-identifier \"HTTPClient:Arch:00016:UNDI:003000\";", "send bp-arch 16;");
        assertThat(r.get("new_ip_address")).startsWith("192.0.2.1");
        assertThat(r.get("new_subnet_mask")).isEqualTo("255.255.255.0");
        assertThat(r.get("new_routers")).isEqualTo("192.0.2.1");
        assertThat(r.get("new_domain_name")).isEqualTo("example.com");
        assertThat(r.get("new_vendor_class_identifier")).isEqualTo("HTTPClient");
        assertThat(r.get("new_filename")).isEqualTo("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi");
        assertThat(r.get("new_bootfile_name")).isEqualTo("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi");
        assertThat(server.log()).contains("DHCPACK " + r.get("new_ip_address") + " to 52:54:00:00:10:01 (HTTPClient/16)");
    }

    @Test
    void uefiPxe_getsTheUefiTftpFile_archFromOption60Alone() throws Exception {
        Dhclient.Result r = dhclient("52:54:00:00:10:02", "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";");
        assertThat(r.get("new_filename")).isEqualTo("grub2/grubx64.efi");
        assertThat(r.get("new_next_server")).isEqualTo("192.0.2.1");
        assertThat(r.bound()).doesNotContainKey("new_vendor_class_identifier");
    }

    @Test
    void biosPxe_getsPxelinux() throws Exception {
        Dhclient.Result r = dhclient("52:54:00:00:10:03",
                "send vendor-class-identifier \"PXEClient:Arch:00000:UNDI:002001\";", "send bp-arch 0;");
        assertThat(r.get("new_filename")).isEqualTo("pxelinux.0");
    }

    @Test
    void ipxeUserClass_getsTheScriptUrl_andOption175() throws Exception {
        Dhclient.Result r = dhclient("52:54:00:00:10:04",
                "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003010\";", "send bp-arch 7;",
                "send user-class \"iPXE\";");
        assertThat(r.get("new_filename")).isEqualTo("http://192.0.2.1:8000/httpboot/pxelinux.cfg/default.ipxe");
        assertThat(r.get("new_bp_ipxe_encap")).isIn("\\260\\001\\001", "b0:1:1");
    }

    @Test
    void reservedMac_getsItsFixedAddressAndItsOwnFile() throws Exception {
        Dhclient.Result r = dhclient(RESERVED_MAC, "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";");
        assertThat(r.get("new_ip_address")).isEqualTo("192.0.2.20");
        assertThat(r.get("new_filename")).isEqualTo("grub2/shimx64.efi");
        assertThat(r.get("new_next_server")).isEqualTo("192.0.2.7");
        assertThat(r.get("new_host_name")).isEqualTo("host1.example.com");
    }

    /** Garbage to both server sockets (unicast and broadcast), then a normal exchange still works. */
    @Test
    void malformedDatagrams_areDropped_andTheServerKeepsServing() throws Exception {
        String garbage = """
                import os, random, socket
                random.seed(7)
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
                good = bytes([1, 1, 6, 0]) + os.urandom(232) + bytes([99, 130, 83, 99]) + bytes([53, 1, 1, 255])
                for i in range(400):
                    p = bytearray(good[:random.randrange(0, len(good) + 1)])
                    for _ in range(random.randrange(0, 6)):
                        if p:
                            p[random.randrange(len(p))] = random.randrange(256)
                    if i % 3 == 0:
                        p = bytearray(good[:240]) + bytes([60, 200, 1, 2])   # option runs past the end
                    for dest in (("192.0.2.1", 67), ("192.0.2.255", 67)):
                        s.sendto(bytes(p), dest)
                print("sent")
                """;
        NetNs.Shell.Result r = net.srv.run(30, "python3", "-c", garbage);
        assertThat(r.output()).contains("sent");
        Dhclient.Result after = dhclient("52:54:00:00:10:06",
                "send vendor-class-identifier \"PXEClient:Arch:00000:UNDI:002001\";");
        assertThat(after.get("new_filename")).isEqualTo("pxelinux.0");
        assertThat(server.log()).contains("dhcp: dropped a malformed packet", "option 60 at offset 240 of length 200")
                .doesNotContain("Exception").doesNotContain("ERROR");
    }

    @Test
    void plainClient_getsAnAddressWithoutBootFile_andKeepsItOnTheNextExchange() throws Exception {
        Dhclient.Result first = dhclient("52:54:00:00:10:05");
        assertThat(first.bound()).doesNotContainKey("new_filename");
        Dhclient.Result again = dhclient("52:54:00:00:10:05");
        assertThat(again.get("new_ip_address")).isEqualTo(first.get("new_ip_address"));
        assertThat(Files.exists(net.dir.resolve("state"))).isTrue();
    }
}
