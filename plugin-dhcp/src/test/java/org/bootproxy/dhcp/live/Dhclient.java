package org.bootproxy.dhcp.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bootproxy.testing.NetNs;

/**
 * The real ISC {@code dhclient} in a test namespace: one exchange ({@code -1}) with its own config,
 * lease file and a script that dumps the environment dhclient gives it, so a test reads exactly
 * what the client accepted ({@code new_ip_address}, {@code new_filename}, options...).
 */
final class Dhclient {

    private Dhclient() {
    }

    /** The outcome: dhclient's exit code, its output, and the BOUND environment (empty if none). */
    record Result(int exit, String output, Map<String, String> bound) {
        String get(String key) {
            return bound.get(key);
        }
    }

    /**
     * Sets {@code veth0}'s MAC in {@code ns} and runs one dhclient exchange with {@code confLines}
     * (dhclient.conf statements) added to a config that defines option 93 and 175 and requests the
     * boot options.
     */
    static Result run(NetNs ns, Path dir, String mac, String... confLines) throws IOException {
        Path work = Files.createTempDirectory(dir, "dhclient");
        ns.ip("link", "set", "veth0", "address", mac);
        StringBuilder conf = new StringBuilder("""
                timeout 20;
                retry 1;
                option bp-arch code 93 = unsigned integer 16;
                option bp-ipxe-encap code 175 = string;
                request subnet-mask, broadcast-address, routers, domain-name-servers, domain-name, host-name,
                        bootfile-name, tftp-server-name, vendor-class-identifier, bp-ipxe-encap;
                """);
        for (String l : confLines) {
            conf.append(l).append('\n');
        }
        Files.writeString(work.resolve("dhclient.conf"), conf);
        Path script = work.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\nenv > '" + work + "/env.'\"$reason\"\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        NetNs.Shell.Result r = ns.run(60, "dhclient", "-1", "-v", "-cf", work.resolve("dhclient.conf").toString(),
                "-lf", work.resolve("leases").toString(), "-pf", work.resolve("pid").toString(),
                "-sf", script.toString(), "veth0");
        // -1 forks a daemon once bound: stop it so the next exchange starts clean
        Path pid = work.resolve("pid");
        if (Files.exists(pid)) {
            String p = Files.readString(pid).trim();
            if (!p.isEmpty()) {
                NetNs.Shell.run(10, "kill", p);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        Path bound = work.resolve("env.BOUND");
        if (Files.exists(bound)) {
            for (String line : Files.readAllLines(bound)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return new Result(r.exit(), r.output(), env);
    }
}
