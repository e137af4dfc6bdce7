package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.Test;

/**
 * The whole application (core + dhcp plugin from this build, found on the class path) in the server
 * namespace: a reservation POSTed exactly as Foreman does is what dhclient then gets, a dynamic
 * lease the server ACKed shows up in the API, and survives {@code kill -9} of the application.
 */
class FullAppLiveTest {

    private static final int PORT = 18300;

    /** bootproxy with the embedded DHCP server on {@code veth0} of the server namespace, 192.0.2.0/24. */
    static String serverYaml(int port, Path state) {
        return """
                http_port: %d
                bind_host: 127.0.0.1
                plugins:
                  dhcp:
                    enabled: true
                    provider: embedded
                    mode: server
                    interfaces: [veth0]
                    state_dir: %s
                    subnets:
                      - network: 192.0.2.0/24
                        range: [192.0.2.100, 192.0.2.150]
                        routers: [192.0.2.1]
                server:
                  adminConnectors: []
                  requestLog:
                    appenders: []
                logging:
                  level: INFO
                """.formatted(port, state);
    }

    static Process startApp(NetNs ns, Path yaml, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dbootproxy.modules=" + yaml.getParent().resolve("no-modules"),
                "-cp", System.getProperty("java.class.path"), "org.bootproxy.core.BootproxyApplication", "server",
                yaml.toString()));
        return ns.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()));
    }

    static String curl(NetNs ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}", "-H", "Accept: application/json"));
        cmd.addAll(List.of(args));
        return ns.run(30, cmd.toArray(String[]::new)).output();
    }

    static void awaitUp(NetNs ns, Process app, Path log, int port) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (curl(ns, "http://127.0.0.1:" + port + "/features").endsWith("200")) {
                return;
            }
            if (!app.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("bootproxy did not start:\n" + Files.readString(log));
    }

    @Test
    void foremanReservation_reachesDhclient_andAckedLeasesSurviveKill9() throws Exception {
        NetNs.requireAvailable();
        Path dir = Files.createTempDirectory("bp-fullapp");
        NetNs[] pair = NetNs.pair("fs", "192.0.2.1/24", "fc", null);
        NetNs srv = pair[0];
        NetNs cli = pair[1];
        Process app = null;
        try {
            Path yaml = dir.resolve("bootproxy.yml");
            Files.writeString(yaml, serverYaml(PORT, dir.resolve("state")));
            Path log = dir.resolve("app.log");
            app = startApp(srv, yaml, log);
            awaitUp(srv, app, log, PORT);

            // exactly what Foreman posts
            String post = curl(srv, "-X", "POST", "--data", "hostname=h1.example.com&mac=52%3A54%3A00%3Aab%3Acd%3Aef"
                    + "&ip=192.0.2.10&network=192.0.2.0&nextServer=192.0.2.7&filename=grub2%2Fshimx64.efi"
                    + "&name=h1.example.com&related_macs[]", "http://127.0.0.1:" + PORT + "/dhcp/192.0.2.0");
            assertThat(post).as(Files.readString(log)).isEqualTo("\n200");
            Dhclient.Result reserved = Dhclient.run(cli, dir, "52:54:00:ab:cd:ef",
                    "send vendor-class-identifier \"PXEClient:Arch:00007:UNDI:003000\";");
            assertThat(reserved.get("new_ip_address")).as(reserved.output() + Files.readString(log)).isEqualTo("192.0.2.10");
            assertThat(reserved.get("new_filename")).isEqualTo("grub2/shimx64.efi");
            assertThat(reserved.get("new_next_server")).isEqualTo("192.0.2.7");

            Dhclient.Result dynamic = Dhclient.run(cli, dir, "52:54:00:00:40:01",
                    "send vendor-class-identifier \"HTTPClient:Arch:00016:UNDI:003000\";");
            String ip = dynamic.get("new_ip_address");
            assertThat(ip).as(dynamic.output() + Files.readString(log)).startsWith("192.0.2.1");
            assertThat(dynamic.get("new_filename")).isEqualTo("http://192.0.2.1:" + PORT + "/httpboot/grub2/grubx64.efi");
            assertThat(curl(srv, "http://127.0.0.1:" + PORT + "/dhcp/192.0.2.0/mac/52:54:00:00:40:01"))
                    .contains("\"ip\":\"" + ip + "\"", "\"type\":\"lease\"").endsWith("200");

            // kill -9 right after the ACK: the lease was durable before it was sent
            app.destroyForcibly();
            app.waitFor(10, TimeUnit.SECONDS);
            app = startApp(srv, yaml, dir.resolve("app2.log"));
            awaitUp(srv, app, dir.resolve("app2.log"), PORT);
            assertThat(curl(srv, "http://127.0.0.1:" + PORT + "/dhcp/192.0.2.0/ip/" + ip))
                    .contains("52:54:00:00:40:01", "\"type\":\"lease\"").endsWith("200");
            Dhclient.Result again = Dhclient.run(cli, dir, "52:54:00:00:40:01");
            assertThat(again.get("new_ip_address")).isEqualTo(ip);
        } finally {
            if (app != null) {
                app.destroyForcibly();
            }
            srv.close();
            cli.close();
            NetNs.Shell.run(30, "rm", "-rf", dir.toString());
        }
    }
}
