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
        writeConfAndScript(work, """
                timeout 20;
                retry 1;
                option bp-arch code 93 = unsigned integer 16;
                option bp-ipxe-encap code 175 = string;
                request subnet-mask, broadcast-address, routers, domain-name-servers, domain-name, host-name,
                        bootfile-name, tftp-server-name, vendor-class-identifier, bp-ipxe-encap;
                """, confLines);
        NetNs.Shell.Result r = ns.run(60, "dhclient", "-1", "-v", "-cf", work.resolve("dhclient.conf").toString(),
                "-lf", work.resolve("leases").toString(), "-pf", work.resolve("pid").toString(),
                "-sf", work.resolve("script.sh").toString(), "veth0");
        // -1 forks a daemon once bound: stop it so the next exchange starts clean
        stopDaemon(work);
        return new Result(r.exit(), r.output(), environment(work.resolve("env.BOUND"), false));
    }

    /**
     * One {@code dhclient -6} exchange: sets {@code veth0}'s MAC in {@code ns} (down and up, then waits
     * for its link-local address), runs with a DUID-LL from that MAC and {@code confLines} added to a
     * config that defines options 61, 16 and 59 and requests 59; returns the BOUND6 environment
     * (values unquoted), empty if none, with dhclient's output under {@code _output}.
     */
    static Map<String, String> run6(NetNs ns, Path dir, String mac, String... confLines) throws IOException {
        Path work = Files.createTempDirectory(dir, "dhclient6");
        writeConfAndScript(work, """
                timeout 30;
                retry 1;
                option dhcp6.bp-arch code 61 = array of unsigned integer 16;
                option dhcp6.bp-vendor code 16 = { integer 32, integer 16, string };
                option dhcp6.bp-bootfile-url code 59 = string;
                also request dhcp6.bp-bootfile-url;
                """, confLines);
        // down and up: the old link-local address goes, the new MAC's comes (tentative for a moment)
        ns.ip("link", "set", "veth0", "down");
        ns.ip("link", "set", "veth0", "address", mac);
        ns.ip("link", "set", "veth0", "up");
        awaitLinkLocal(ns);
        // a DUID-LL from the interface's MAC, so the lease names the MAC
        NetNs.Shell.Result r = ns.run(60, "dhclient", "-6", "-1", "-v", "-D", "LL", "-cf",
                work.resolve("dhclient.conf").toString(), "-lf", work.resolve("leases").toString(), "-pf",
                work.resolve("pid").toString(), "-sf", work.resolve("script.sh").toString(), "veth0");
        stopDaemon(work);
        Map<String, String> env = environment(work.resolve("env.BOUND6"), true);
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

    /**
     * Writes {@code work/dhclient.conf} ({@code base}, then {@code confLines}) and {@code work/script.sh},
     * which dumps its environment to {@code work/env.<reason>}.
     */
    private static void writeConfAndScript(Path work, String base, String... confLines) throws IOException {
        StringBuilder conf = new StringBuilder(base);
        for (String l : confLines) {
            conf.append(l).append('\n');
        }
        Files.writeString(work.resolve("dhclient.conf"), conf);
        Path script = work.resolve("script.sh");
        Files.writeString(script, "#!/bin/sh\nenv > '" + work + "/env.'\"$reason\"\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Stops the daemon {@code -1} leaves once bound, by its pid file in {@code work}. */
    private static void stopDaemon(Path work) throws IOException {
        Path pid = work.resolve("pid");
        if (Files.exists(pid)) {
            String p = Files.readString(pid).trim();
            if (!p.isEmpty()) {
                NetNs.Shell.run(10, "kill", p);
            }
        }
    }

    /** The {@code NAME=value} lines of {@code file} (none if missing); values unquoted if {@code unquote}. */
    private static Map<String, String> environment(Path file, boolean unquote) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    String value = line.substring(eq + 1);
                    env.put(line.substring(0, eq), unquote ? value.replaceAll("^'|'$", "") : value);
                }
            }
        }
        return env;
    }
}
