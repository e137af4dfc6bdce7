package org.bootproxy.dhcp.server;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.bootproxy.spi.net.Ipv4Address;

/**
 * Where a request arrived.
 *
 * @param serverIp the address of the interface it arrived on (the server identifier, default
 *     next server)
 * @param localPort 67, or 4011 for PXE boot-server requests in proxy mode
 * @param source the sender's address and port
 */
public record Ingress(Ipv4Address serverIp, int localPort, InetSocketAddress source) {

    public Ingress {
        Objects.requireNonNull(serverIp, "serverIp");
        Objects.requireNonNull(source, "source");
    }
}
