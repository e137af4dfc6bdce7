package org.bootproxy.tftp.mina;

import java.net.InetSocketAddress;

/** Parses {@code plugins.tftp.listen}: {@code host:port}, {@code [v6]:port} or {@code :port} (all addresses). */
public final class ListenAddress {

    private ListenAddress() {
    }

    public static InetSocketAddress parse(String listen) {
        if (listen == null || listen.isBlank()) {
            throw new IllegalArgumentException("listen address is empty");
        }
        String s = listen.trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen '" + listen + "' is not host:port");
        }
        String host = s.substring(0, colon);
        String portText = s.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen '" + listen + "': port '" + portText + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen '" + listen + "': port " + port + " out of range 0..65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("listen '" + listen + "': write IPv6 addresses as [addr]:port");
        }
        if (host.isEmpty() || host.equals("*")) {
            host = "0.0.0.0";
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("listen '" + listen + "': cannot resolve host '" + host + "'");
        }
        return a;
    }
}
