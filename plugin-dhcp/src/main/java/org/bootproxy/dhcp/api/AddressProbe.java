package org.bootproxy.dhcp.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bootproxy.spi.net.Ipv4Address;

/**
 * The optional liveness check of {@code unused_ip} ({@code plugins.dhcp.unused_ip_probe}): before
 * suggesting an address nobody has reserved or leased, ask the network whether a host already
 * answers on it (a machine configured statically, behind Foreman's back).
 *
 * <p>Only a positive answer <em>from the address itself</em> counts as "in use". Upstream
 * smart-proxy also counts a refused TCP connection to port 7, so behind a firewall that REJECTs
 * (answers RST or ICMP unreachable on behalf of every address) it finds every address used and
 * suggests none; neither probe here does that.
 *
 * <p>Implementations are thread-safe and bound their waiting by their timeout. Not sealed, so
 * tests can hand-write a fake.
 */
public interface AddressProbe {

    /** Whether a host answers on {@code ip}. */
    boolean answers(Ipv4Address ip) throws InterruptedException;

    /** For the log and {@code /v2/features}: {@code none}, {@code icmp 500ms}, ... */
    String describe();

    /** {@code none}: no probe; every address nobody holds is free. The default. */
    record None() implements AddressProbe {
        @Override
        public boolean answers(Ipv4Address ip) {
            return false;
        }

        @Override
        public String describe() {
            return "none";
        }
    }

    /**
     * {@code icmp}: one ICMP echo request per second until the timeout; in use only when an echo
     * reply comes back from that address (an ICMP unreachable from a router or firewall is not an
     * answer). Needs CAP_NET_RAW: without it the JDK silently falls back to a TCP connection to
     * port 7 and counts a refusal as an answer (upstream's flaw), so this probe refuses to start
     * without the capability instead.
     */
    record Icmp(Duration timeout) implements AddressProbe {

        private static final int CAP_NET_RAW = 13;

        public Icmp {
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("unused_ip_probe_timeout must be positive: " + timeout);
            }
            if (!hasNetRaw()) {
                throw new IllegalStateException("unused_ip_probe: icmp needs CAP_NET_RAW (run as root or grant "
                        + "the capability); without it Java falls back to TCP port 7, which counts every address "
                        + "behind a REJECT firewall as used. Use unused_ip_probe: tcp or none instead");
            }
        }

        @Override
        public boolean answers(Ipv4Address ip) {
            try {
                return ip.toInetAddress().isReachable((int) timeout.toMillis());
            } catch (IOException e) {
                return false; // no route, network down: nothing answered
            }
        }

        @Override
        public String describe() {
            return "icmp " + timeout.toMillis() + "ms";
        }

        /** Whether this process holds CAP_NET_RAW (Linux: bit 13 of CapEff in /proc/self/status). */
        static boolean hasNetRaw() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("CapEff:")) {
                        long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                        return (caps & (1L << CAP_NET_RAW)) != 0;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // not Linux or no procfs: assume no capability, the safe answer
            }
            return false;
        }
    }

    /**
     * {@code tcp}: a TCP connection to each of {@code ports} in turn; in use only when a
     * connection is <em>established</em> (SYN-ACK from the address). A refusal (RST, ICMP
     * unreachable), a timeout or no route does not count, since a REJECTing firewall produces
     * those for every address. Misses hosts that have none of the ports open.
     */
    record Tcp(List<Integer> ports, Duration timeout) implements AddressProbe {

        public Tcp {
            ports = List.copyOf(ports);
            if (ports.isEmpty()) {
                throw new IllegalArgumentException(
                        "unused_ip_probe: tcp needs at least one port in unused_ip_probe_ports");
            }
            for (int p : ports) {
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("unused_ip_probe_ports: " + p + " out of range 1..65535");
                }
            }
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("unused_ip_probe_timeout must be positive: " + timeout);
            }
        }

        @Override
        public boolean answers(Ipv4Address ip) throws InterruptedException {
            for (int port : ports) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(ip.toInetAddress(), port), (int) timeout.toMillis());
                    return true;
                } catch (IOException e) {
                    // refused, unreachable, timed out: not proof that a host holds the address
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return "tcp " + ports + " " + timeout.toMillis() + "ms";
        }
    }
}
