package org.bootproxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test creates and deletes, for anything that speaks DHCP or needs a
 * broadcast or privileged socket. Addresses come from 192.0.2.0/24 or 2001:db8::/32 only.
 *
 * <p>Needs root and iproute2. {@link #requireAvailable()} fails the test (not skips it) when the
 * environment variable {@code BOOTPROXY_REQUIRE_NETNS=1} is set, as the README's test command
 * sets it, so CI can never pass by skipping; elsewhere it skips.
 *
 * <p>Typical pair: {@code NetNs.pair("srv", "192.0.2.1/24", "cli", "192.0.2.2/24")} gives two
 * namespaces joined by a veth pair; {@link #run} runs a command inside one.
 */
public final class NetNs implements AutoCloseable {

    private final String name;
    private final List<Process> processes = new ArrayList<>();

    private NetNs(String name) {
        this.name = name;
    }

    /** Skips the test when namespaces cannot be made here, or fails it when CI requires them. */
    public static void requireAvailable() {
        boolean ok = isRoot() && Shell.ok("ip", "netns", "list");
        if (!ok) {
            String msg = "needs root and iproute2 (network namespaces)";
            if ("1".equals(System.getenv("BOOTPROXY_REQUIRE_NETNS"))) {
                throw new AssertionError(msg + ", and BOOTPROXY_REQUIRE_NETNS=1");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(false, msg);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Creates a namespace with a unique name built from {@code prefix}, loopback up. */
    public static NetNs create(String prefix) {
        String n = "bp" + prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        Shell.check("ip", "netns", "add", n);
        NetNs ns = new NetNs(n);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /**
     * Two namespaces joined by a veth pair named {@code veth0} in each, with the given CIDR
     * addresses; element 0 is {@code a}, element 1 is {@code b}.
     */
    public static NetNs[] pair(String a, String cidrA, String b, String cidrB) {
        NetNs na = create(a);
        NetNs nb = create(b);
        try {
            String tmp = "v" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
            Shell.check("ip", "link", "add", tmp + "a", "netns", na.name, "type", "veth", "peer", "name", tmp + "b",
                    "netns", nb.name);
            na.ip("link", "set", tmp + "a", "name", "veth0");
            nb.ip("link", "set", tmp + "b", "name", "veth0");
            if (cidrA != null) {
                na.ip("addr", "add", cidrA, "dev", "veth0");
            }
            if (cidrB != null) {
                nb.ip("addr", "add", cidrB, "dev", "veth0");
            }
            na.ip("link", "set", "veth0", "up");
            nb.ip("link", "set", "veth0", "up");
            return new NetNs[] {na, nb};
        } catch (RuntimeException e) {
            na.close();
            nb.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** Runs {@code ip <args>} in this namespace; fails on a non-zero exit. */
    public void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(Arrays.asList(args));
        Shell.check(cmd.toArray(String[]::new));
    }

    /** The command line that runs {@code cmd} inside this namespace. */
    public List<String> wrap(String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(Arrays.asList(cmd));
        return c;
    }

    /** Runs a command inside the namespace and waits for it (up to {@code timeoutSeconds}). */
    public Shell.Result run(int timeoutSeconds, String... cmd) {
        return Shell.run(timeoutSeconds, wrap(cmd).toArray(String[]::new));
    }

    /** Starts a long-running command inside the namespace; it is killed by {@link #close()}. */
    public Process start(ProcessBuilder pb) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(pb.command());
        pb.command(c);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Drops {@code percent}% of incoming UDP datagrams to or from {@code port} with nftables. */
    public void dropIncomingUdp(int port, int percent) {
        String rules = "table inet bploss {\n chain in {\n  type filter hook input priority 0; policy accept;\n"
                + "  udp dport " + port + " numgen random mod 100 < " + percent + " drop\n"
                + "  udp sport " + port + " numgen random mod 100 < " + percent + " drop\n }\n}\n";
        Shell.Result r = Shell.runWithInput(30, rules, wrap("nft", "-f", "-").toArray(String[]::new));
        if (r.exit() != 0) {
            throw new IllegalStateException("nft failed: " + r.output());
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // kill anything left in the namespace (e.g. daemons that forked), then delete it
        Shell.run(10, "ip", "netns", "pids", name).output().lines()
                .filter(l -> !l.isBlank()).forEach(pid -> Shell.run(5, "kill", "-9", pid.trim()));
        Shell.run(10, "ip", "netns", "del", name);
    }

    /** Small process helper. */
    public static final class Shell {
        private Shell() {
        }

        /** A finished command: exit code and combined stdout/stderr. */
        public record Result(int exit, String output) {
        }

        public static Result run(int timeoutSeconds, String... cmd) {
            return runWithInput(timeoutSeconds, null, cmd);
        }

        public static Result runWithInput(int timeoutSeconds, String input, String... cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                if (input != null) {
                    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
                }
                p.getOutputStream().close();
                byte[][] out = new byte[1][];
                Thread reader = new Thread(() -> {
                    try {
                        out[0] = p.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        out[0] = new byte[0];
                    }
                });
                reader.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    reader.join(2000);
                    return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
                }
                reader.join();
                return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
            } catch (IOException e) {
                return new Result(-1, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(-1, "interrupted");
            }
        }

        public static boolean ok(String... cmd) {
            return run(30, cmd).exit() == 0;
        }

        public static String check(String... cmd) {
            Result r = run(60, cmd);
            if (r.exit() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.output());
            }
            return r.output();
        }
    }
}
