package org.bootproxy.dhcp.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
    private Process process;
    private int starts;

    private KeaDaemon(NetNs ns, Path dir) {
        this.ns = ns;
        this.dir = dir;
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
        starts++;
        Files.deleteIfExists(socket);
        ProcessBuilder pb = new ProcessBuilder("kea-dhcp4", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("kea-" + starts + ".log").toFile());
        pb.environment().put("KEA_PIDFILE_DIR", dir.toString());
        pb.environment().put("KEA_LOCKFILE_DIR", dir.toString());
        process = ns.start(pb);
        for (int i = 0; i < 150; i++) {
            if (Files.exists(socket) && NetNs.Shell.run(10, "python3", "-c", "import socket;s=socket.socket("
                    + "socket.AF_UNIX);s.connect('" + socket + "');s.sendall(b'{\"command\":\"version-get\"}');"
                    + "print(b''.join(iter(lambda: s.recv(65536), b'')))").output().contains("result")) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("kea-dhcp4 did not start:\n" + log());
    }

    /** Stops kea-dhcp4 (SIGTERM, then SIGKILL) and waits for it. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    String log() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            Path l = dir.resolve("kea-" + i + ".log");
            if (Files.exists(l)) {
                b.append(Files.readString(l));
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
