package org.bootproxy.dhcp.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.bootproxy.testing.NetNs;

/**
 * The real ISC dhcpd 4.4 in a test namespace, in the foreground ({@code -f}) on {@code veth0},
 * with its own dhcpd.conf, dhcpd.leases and pid file in {@code dir} (never the host's /etc/dhcp)
 * and OMAPI on 127.0.0.1:7911 of the namespace with an HMAC-MD5 key.
 */
final class Dhcpd implements AutoCloseable {

    static final int OMAPI_PORT = 7911;
    static final String KEY_NAME = "omapi_key";

    final NetNs ns;
    final Path dir;
    final Path conf;
    final Path leases;
    final String secret;
    private Process process;
    private int starts;

    private Dhcpd(NetNs ns, Path dir, String subnetBody, String extra) throws IOException {
        this.ns = ns;
        this.dir = dir;
        this.conf = dir.resolve("dhcpd.conf");
        this.leases = dir.resolve("dhcpd.leases");
        byte[] key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        this.secret = Base64.getEncoder().encodeToString(key);
        Files.writeString(conf, """
                # written by the test
                default-lease-time 600;
                max-lease-time 900;
                authoritative;
                omapi-port %d;
                key %s {
                    algorithm hmac-md5;
                    secret "%s";
                };
                omapi-key %s;
                %s
                subnet 192.0.2.0 netmask 255.255.255.0 {
                %s
                }
                """.formatted(OMAPI_PORT, KEY_NAME, secret, KEY_NAME, extra, subnetBody));
        Files.writeString(leases, "");
    }

    /** Writes the configuration; {@link #start} runs the daemon. */
    static Dhcpd configure(NetNs ns, Path dir, String subnetBody, String extra) throws IOException {
        Files.createDirectories(dir);
        return new Dhcpd(ns, dir, subnetBody, extra);
    }

    /** Starts dhcpd and waits until OMAPI accepts connections. */
    void start() throws Exception {
        starts++;
        Path log = dir.resolve("dhcpd-" + starts + ".log");
        process = ns.start(new ProcessBuilder("dhcpd", "-f", "-4", "-cf", conf.toString(), "-lf", leases.toString(),
                "-pf", dir.resolve("dhcpd.pid").toString(), "veth0").redirectErrorStream(true)
                .redirectOutput(log.toFile()));
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                throw new AssertionError("dhcpd exited:\n" + Files.readString(log));
            }
            if (ns.run(10, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + OMAPI_PORT).exit() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("dhcpd's OMAPI did not come up:\n" + Files.readString(log));
    }

    /** Stops dhcpd (SIGTERM) and waits for it. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        process = null;
    }

    /** The {@code plugins.dhcp.isc} section for this daemon. */
    String iscYaml(String secretOverride) {
        return """
                isc:
                  server: 127.0.0.1
                  omapi_port: %d
                  key_name: %s
                  key_secret: "%s"
                  config: %s
                  leases: %s
                  connect_timeout: 2s
                  read_timeout: 3s
                """.formatted(OMAPI_PORT, KEY_NAME, secretOverride == null ? secret : secretOverride, conf, leases);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
