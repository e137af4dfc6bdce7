package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.Test;

/**
 * The embedded DHCPv6 server in the whole application, against the real ISC {@code dhclient -6} in
 * a namespace: an address from {@code subnets6}' range, option 59 with the HTTPClient's boot URL
 * (an IPv6 literal), and the binding kept across {@code kill -9}.
 */
class Dhcp6LiveTest {

    private static final int PORT = 18306;

    /** One {@code dhclient -6} exchange with the given extra configuration; the BOUND6 environment. */
    static Map<String, String> dhclient6(NetNs ns, Path dir, String mac, String... conf) throws IOException {
        Path work = Files.createTempDirectory(dir, "dhclient6");
        StringBuilder c = new StringBuilder("""
                timeout 30;
                retry 1;
                option dhcp6.bp-arch code 61 = array of unsigned integer 16;
                option dhcp6.bp-vendor code 16 = { integer 32, integer 16, string };
                option dhcp6.bp-bootfile-url code 59 = string;
                also request dhcp6.bp-bootfile-url;
                """);
        for (String l : conf) {
            c.append(l).append('\n');
        }
        Files.writeString(work.resolve("dhclient.conf"), c);
        Path script = work.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\nenv > '" + work + "/env.'\"$reason\"\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // down and up: the old link-local address goes, the new MAC's comes (tentative for a moment)
        ns.ip("link", "set", "veth0", "down");
        ns.ip("link", "set", "veth0", "address", mac);
        ns.ip("link", "set", "veth0", "up");
        awaitLinkLocal(ns);
        // a DUID-LL from the interface's MAC, so the lease names the MAC
        NetNs.Shell.Result r = ns.run(60, "dhclient", "-6", "-1", "-v", "-D", "LL", "-cf",
                work.resolve("dhclient.conf").toString(), "-lf", work.resolve("leases").toString(), "-pf",
                work.resolve("pid").toString(), "-sf", script.toString(), "veth0");
        Path pid = work.resolve("pid");
        if (Files.exists(pid) && !Files.readString(pid).isBlank()) {
            NetNs.Shell.run(10, "kill", Files.readString(pid).trim());
        }
        Map<String, String> env = new LinkedHashMap<>();
        Path bound = work.resolve("env.BOUND6");
        if (Files.exists(bound)) {
            for (String line : Files.readAllLines(bound)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^'|'$", ""));
                }
            }
        }
        env.put("_output", r.output());
        return env;
    }

    /** Waits until veth0 has a link-local address that is no longer tentative (duplicate address detection). */
    static void awaitLinkLocal(NetNs ns) {
        for (int i = 0; i < 100; i++) {
            String a = ns.run(10, "ip", "-6", "addr", "show", "dev", "veth0", "scope", "link").output();
            if (a.contains("inet6 fe80") && !a.contains("tentative")) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void httpClient_getsAnAddressFromTheRangeAndAnIpv6BootUrl_andTheBindingSurvivesKill9() throws Exception {
        NetNs.requireAvailable();
        Path dir = Files.createTempDirectory("bp-dhcp6");
        NetNs[] pair = NetNs.pair("6s", "192.0.2.1/24", "6c", null);
        NetNs srv = pair[0];
        NetNs cli = pair[1];
        Process app = null;
        try {
            srv.ip("-6", "addr", "add", "2001:db8:e2e::1/64", "dev", "veth0", "nodad");
            awaitLinkLocal(srv);
            awaitLinkLocal(cli);
            Path yaml = dir.resolve("bootproxy.yml");
            Files.writeString(yaml, """
                    http_port: %d
                    bind_host: 127.0.0.1
                    plugins:
                      dhcp:
                        enabled: true
                        interfaces: [veth0]
                        state_dir: %s
                        subnets:
                          - network: 192.0.2.0/24
                            range: [192.0.2.100, 192.0.2.150]
                        subnets6:
                          - network: 2001:db8:e2e::/64
                            range: [2001:db8:e2e::100, 2001:db8:e2e::1ff]
                            dns_servers: [2001:db8:e2e::53]
                    server:
                      adminConnectors: []
                      requestLog:
                        appenders: []
                    logging:
                      level: INFO
                      loggers:
                        org.bootproxy.dhcp.server6: DEBUG
                    """.formatted(PORT, dir.resolve("state")));
            Path log = dir.resolve("app.log");
            app = FullAppLiveTest.startApp(srv, yaml, log);
            FullAppLiveTest.awaitUp(srv, app, log, PORT);

            Map<String, String> http = dhclient6(cli, dir, "52:54:00:e2:e0:61", "send dhcp6.bp-arch 16;",
                    "send dhcp6.bp-vendor 343 33 \"HTTPClient:Arch:00016:UNDI:003001\";");
            String ip = http.get("new_ip6_address");
            assertThat(ip).as(http.get("_output") + Files.readString(log)).startsWith("2001:db8:e2e::1");
            assertThat(http.get("new_dhcp6_bp_bootfile_url"))
                    .isEqualTo("http://[2001:db8:e2e::1]:" + PORT + "/httpboot/grub2/grubx64.efi");
            // its URL names the server by an IP: no option 23 (a Dns() node in the boot device path
            // would keep GRUB from its network); the PXEClient below gets it
            assertThat(http.get("new_dhcp6_name_servers")).isNull();
            assertThat(Files.readString(log)).contains("dhcp6: REPLY to REQUEST", ip, "52:54:00:e2:e0:61");

            Map<String, String> pxe = dhclient6(cli, dir, "52:54:00:e2:e0:62", "send dhcp6.bp-arch 7;",
                    "send dhcp6.bp-vendor 343 32 \"PXEClient:Arch:00007:UNDI:003016\";");
            assertThat(pxe.get("new_ip6_address")).as(pxe.get("_output") + Files.readString(log)).startsWith("2001:db8:e2e::1").isNotEqualTo(ip);
            assertThat(pxe.get("new_dhcp6_bp_bootfile_url")).isEqualTo("tftp://[2001:db8:e2e::1]/grub2/grubx64.efi");
            assertThat(pxe.get("new_dhcp6_name_servers")).isEqualTo("2001:db8:e2e::53");

            // kill -9 after the REPLY: the binding was durable before it was sent, so the same client
            // gets the same address from the restarted server
            app.destroyForcibly();
            app.waitFor(10, TimeUnit.SECONDS);
            Path log2 = dir.resolve("app2.log");
            app = FullAppLiveTest.startApp(srv, yaml, log2);
            FullAppLiveTest.awaitUp(srv, app, log2, PORT);
            Map<String, String> again = dhclient6(cli, dir, "52:54:00:e2:e0:61", "send dhcp6.bp-arch 16;",
                    "send dhcp6.bp-vendor 343 33 \"HTTPClient:Arch:00016:UNDI:003001\";");
            assertThat(again.get("new_ip6_address")).as(again.get("_output") + Files.readString(log2)).isEqualTo(ip);
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
