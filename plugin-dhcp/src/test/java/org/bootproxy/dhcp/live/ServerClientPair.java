package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.testing.NetNs;

/**
 * A server namespace (192.0.2.1/24 on veth0) and a client namespace joined by a veth pair, a temp
 * directory, and dhclient runs that must end bound (else the failure shows dhclient's output and
 * the server's log). {@link #close()} removes all of it.
 */
final class ServerClientPair implements AutoCloseable {

    /** Where the failure message takes the server's log from. */
    @FunctionalInterface
    interface ServerLog {
        String read() throws IOException;
    }

    final Path dir;
    final NetNs srv;
    final NetNs cli;
    private ServerLog serverLog = () -> "";

    /** The pair, namespaces named {@code <prefix>s...} and {@code <prefix>c...}, the client unconfigured. */
    ServerClientPair(String prefix) throws IOException {
        this(prefix, null);
    }

    /** As {@link #ServerClientPair(String)}, the client with {@code clientCidr} on its veth0 (null: none). */
    ServerClientPair(String prefix, String clientCidr) throws IOException {
        NetNs.requireAvailable();
        dir = Files.createTempDirectory("bp-" + prefix + "-live");
        NetNs[] pair = NetNs.pair(prefix + "s", "192.0.2.1/24", prefix + "c", clientCidr);
        srv = pair[0];
        cli = pair[1];
    }

    void serverLog(ServerLog log) {
        this.serverLog = log;
    }

    /** One dhclient exchange for {@code mac} (see {@link Dhclient#run}); fails unless it bound. */
    Dhclient.Result dhclient(String mac, String... conf) throws IOException {
        Dhclient.Result r = Dhclient.run(cli, dir, mac, conf);
        assertThat(r.bound()).as("dhclient output:\n%s\nserver log:\n%s", r.output(), serverLog.read())
                .containsKey("new_ip_address");
        return r;
    }

    @Override
    public void close() {
        srv.close();
        cli.close();
        NetNs.Shell.run(30, "rm", "-rf", dir.toString());
    }
}
