package org.bootproxy.dhcp.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.testing.NetNs;

/**
 * A real kea-dhcp4 in a test namespace, in the foreground, on its own configuration, control
 * socket, lease file, PID and lock files in a temp directory (never the host's /etc or /run).
 */
final class KeaDaemon implements AutoCloseable {

    static final String LEASE_CMDS = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so";

    final Path dir;
    final Path config;
    final Path socket;
    private final NetNs ns;
    private final DaemonProcess kea;
    private final DaemonProcess agent;

    private KeaDaemon(NetNs ns, Path dir) {
        this.ns = ns;
        this.dir = dir;
        this.kea = new DaemonProcess(ns, dir, "kea");
        this.agent = new DaemonProcess(ns, dir, "kea-ctrl-agent");
        this.config = dir.resolve("kea-dhcp4.conf");
        this.socket = dir.resolve("kea4.sock");
    }

    /**
     * Writes a configuration for 192.0.2.0/24 on veth0 (pool .100-.150) and starts Kea on it.
     *
     * @param leaseCmds whether to load the lease_cmds hook
     */
    static KeaDaemon start(NetNs ns, Path dir, boolean leaseCmds) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        KeaDaemon k = new KeaDaemon(ns, dir);
        String hooks = leaseCmds ? "[{\"library\": \"" + LEASE_CMDS + "\"}]" : "[]";
        Files.writeString(k.config, """
                {"Dhcp4": {
                  "interfaces-config": {"interfaces": ["veth0"]},
                  "control-socket": {"socket-type": "unix", "socket-name": "%s"},
                  "lease-database": {"type": "memfile", "name": "%s", "lfc-interval": 0},
                  "hooks-libraries": %s,
                  "valid-lifetime": 3600,
                  "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                     "pools": [{"pool": "192.0.2.100 - 192.0.2.150"}],
                     "option-data": [{"name": "routers", "data": "192.0.2.1"},
                                     {"name": "domain-name-servers", "data": "192.0.2.1"}],
                     "reservations": []}],
                  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "stdout"}], "severity": "INFO"}]
                }}
                """.formatted(k.socket, dir.resolve("leases.csv"), hooks));
        k.start();
        return k;
    }

    /** Starts kea-dhcp4 on the current configuration file and waits until its socket answers. */
    void start() throws IOException, InterruptedException {
        Files.deleteIfExists(socket);
        kea.start(withKeaDirs(new ProcessBuilder("kea-dhcp4", "-c", config.toString())));
        for (int i = 0; i < 150; i++) {
            if (Files.exists(socket) && NetNs.Shell.run(10, "python3", "-c", "import socket;s=socket.socket("
                    + "socket.AF_UNIX);s.connect('" + socket + "');s.sendall(b'{\"command\":\"version-get\"}');"
                    + "print(b''.join(iter(lambda: s.recv(65536), b'')))").output().contains("result")) {
                return;
            }
            if (!kea.alive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("kea-dhcp4 did not start:\n" + log());
    }

    /**
     * Starts kea-ctrl-agent on 127.0.0.1:{@code port} in the namespace, in front of this server's
     * control socket, with basic authentication {@code user}/{@code password}.
     */
    void startAgent(int port, String user, String password) throws IOException, InterruptedException {
        Path conf = dir.resolve("kea-ctrl-agent.conf");
        Files.writeString(conf, """
                {"Control-agent": {
                  "http-host": "127.0.0.1", "http-port": %d,
                  "authentication": {"type": "basic", "realm": "kea",
                                     "clients": [{"user": "%s", "password": "%s"}]},
                  "control-sockets": {"dhcp4": {"socket-type": "unix", "socket-name": "%s"}},
                  "loggers": [{"name": "kea-ctrl-agent", "output_options": [{"output": "stdout"}],
                               "severity": "INFO"}]
                }}
                """.formatted(port, user, password, socket));
        agent.start(withKeaDirs(new ProcessBuilder("kea-ctrl-agent", "-c", conf.toString())));
        for (int i = 0; i < 100; i++) {
            // any HTTP answer (a GET is a 400 to the agent) means it listens
            if (!ns.run(10, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + port + "/")
                    .output().equals("000")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("kea-ctrl-agent did not start:\n" + agent.log());
    }

    /** PID and lock files in the test's directory, not /run/kea. */
    private ProcessBuilder withKeaDirs(ProcessBuilder pb) {
        pb.environment().put("KEA_PIDFILE_DIR", dir.toString());
        pb.environment().put("KEA_LOCKFILE_DIR", dir.toString());
        return pb;
    }

    /** Stops kea-dhcp4 (SIGTERM, then SIGKILL) and waits for it. */
    void stop() throws InterruptedException {
        kea.stop();
    }

    String log() throws IOException {
        return kea.log();
    }

    @Override
    public void close() {
        try {
            agent.stop();
            kea.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
