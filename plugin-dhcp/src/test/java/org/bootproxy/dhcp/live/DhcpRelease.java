package org.bootproxy.dhcp.live;

import org.bootproxy.testing.NetNs;

/**
 * Sends one DHCPRELEASE (RFC 2131 section 4.4.6) for {@code ip} of {@code mac} from a client
 * namespace, as a client that shuts down cleanly would, so a test can hand the address to another
 * MAC. Broadcast from 0.0.0.0 on veth0 (the test clients never configure their address).
 */
final class DhcpRelease {

    private DhcpRelease() {
    }

    static void send(NetNs ns, String mac, String ip, String serverId) {
        String py = """
                import socket, struct
                mac = bytes.fromhex('%s'.replace(':', ''))
                ip = socket.inet_aton('%s')
                sid = socket.inet_aton('%s')
                pkt = struct.pack('!BBBBIHH', 1, 1, 6, 0, 0x42424242, 0, 0) + ip + bytes(12) + mac + bytes(10)
                pkt += bytes(192) + bytes([99, 130, 83, 99, 53, 1, 7, 54, 4]) + sid + bytes([255])
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'veth0')
                s.bind(('0.0.0.0', 0))  # dhclient may still hold port 68; servers do not answer a RELEASE
                s.sendto(pkt, ('255.255.255.255', 67))
                print('released')
                """.formatted(mac, ip, serverId);
        NetNs.Shell.Result r = ns.run(30, "python3", "-c", py);
        if (!r.output().contains("released")) {
            throw new IllegalStateException("DHCPRELEASE failed: " + r.output());
        }
    }
}
