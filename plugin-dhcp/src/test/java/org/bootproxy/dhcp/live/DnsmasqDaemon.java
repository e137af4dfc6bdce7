package org.bootproxy.dhcp.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.testing.NetNs;

/**
 * A real dnsmasq (DHCP only: {@code port=0}) in a test namespace, kept in the foreground, on its
 * own configuration, hosts/options directories, lease and PID files in a temp directory.
 */
final class DnsmasqDaemon implements AutoCloseable {

    final Path dir;
    final Path config;
    final Path hostsdir;
    final Path optsdir;
    final Path leases;
    final Path pidFile;
    private final DaemonProcess dnsmasq;

    private DnsmasqDaemon(NetNs ns, Path dir) {
        this.dnsmasq = new DaemonProcess(ns, dir, "dnsmasq");
        this.dir = dir;
        this.config = dir.resolve("dnsmasq.conf");
        this.hostsdir = dir.resolve("hosts.d");
        this.optsdir = dir.resolve("opts.d");
        this.leases = dir.resolve("dnsmasq.leases");
        this.pidFile = dir.resolve("dnsmasq.pid");
    }

    /**
     * 192.0.2.0/24 on veth0 (pool .100-.150, tagged, with its netmask), a static {@code dhcp-host}
     * for 52:54:00:00:99:01 at .99, and the domain name in an included {@code conf-dir} file.
     */
    static DnsmasqDaemon start(NetNs ns, Path dir) throws IOException, InterruptedException {
        DnsmasqDaemon d = new DnsmasqDaemon(ns, dir);
        Files.createDirectories(d.hostsdir);
        Files.createDirectories(d.optsdir);
        Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/domain.conf"), "dhcp-option=option:domain-name,example.com\n");
        Files.writeString(dir.resolve("conf.d/ignored.bak"), "dhcp-range=192.0.2.200,192.0.2.210,255.255.255.0\n");
        Files.writeString(d.config, """
                # DHCP only, on the test veth
                port=0
                interface=veth0
                bind-interfaces
                user=root
                dhcp-range=set:lab,192.0.2.100,192.0.2.150,255.255.255.0,1h
                dhcp-option=option:router,192.0.2.1
                dhcp-host=52:54:00:00:99:01,192.0.2.99,static1   # a static host
                dhcp-hostsdir=%s
                dhcp-optsdir=%s
                dhcp-leasefile=%s
                pid-file=%s
                conf-dir=%s,*.conf
                log-dhcp
                """.formatted(d.hostsdir, d.optsdir, d.leases, d.pidFile, dir.resolve("conf.d")));
        d.start();
        return d;
    }

    /** Starts dnsmasq on the current files and waits for its PID file. */
    void start() throws IOException, InterruptedException {
        Files.deleteIfExists(pidFile);
        dnsmasq.start(new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--log-facility=-", "--conf-file="
                + config));
        for (int i = 0; i < 100; i++) {
            if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
                return;
            }
            if (!dnsmasq.alive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("dnsmasq did not start:\n" + log());
    }

    void stop() throws InterruptedException {
        dnsmasq.stop();
    }

    /** Its output since the first start, headed by {@code (running)}, {@code (exited <code>)} or {@code (stopped)}. */
    String log() throws IOException {
        return dnsmasq.log();
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
