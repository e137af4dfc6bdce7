package org.bootproxy.dhcp.backend.isc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends applied as they come (also a record cut in two), a rewrite (new inode) re-read. */
class LeasesFollowerTest {

    static final Ipv4Network NET = Ipv4Network.parse("192.0.2.0/24");
    static final Instant NOW = Instant.parse("2026-12-04T17:00:00Z");

    @TempDir
    Path dir;

    static String lease(int i, String state) {
        return "lease 192.0.2." + i + " {\n  starts 5 2026/12/04 16:50:00;\n  ends 5 2026/12/04 17:10:00;\n"
                + "  binding state " + state + ";\n  hardware ethernet 52:54:00:00:00:" + String.format("%02x", i)
                + ";\n}\n";
    }

    private static int active(LeasesFollower f) {
        return f.read(v -> v.activeLeases(NET, NOW).size());
    }

    @Test
    void appendsAndRewrites_areFollowed() throws Exception {
        Path file = dir.resolve("dhcpd.leases");
        Files.writeString(file, lease(10, "active") + lease(11, "active"));
        try (LeasesFollower f = new LeasesFollower(file, Duration.ofMillis(20))) {
            f.start();
            assertThat(active(f)).isEqualTo(2);

            // an append cut in the middle of a record, then completed
            String next = lease(12, "active");
            Files.writeString(file, next.substring(0, 30), StandardOpenOption.APPEND);
            f.poll(false);
            assertThat(active(f)).isEqualTo(2);
            Files.writeString(file, next.substring(30) + lease(10, "free"), StandardOpenOption.APPEND);
            f.poll(false);
            assertThat(active(f)).isEqualTo(2);
            LeasesParser.LeaseRecord l12 = f.read(v -> v.lease(Ipv4Address.parse("192.0.2.12")));
            String state10 = f.read(v -> v.lease(Ipv4Address.parse("192.0.2.10")).bindingState());
            assertThat(l12).isNotNull();
            assertThat(state10).isEqualTo("free");

            // dhcpd's rewrite: a new file renamed over the old one (longer: only its inode tells)
            Path tmp = dir.resolve("dhcpd.leases.new");
            StringBuilder rewritten = new StringBuilder();
            for (int i = 20; i < 30; i++) {
                rewritten.append(lease(i, i == 20 ? "active" : "free"));
            }
            Files.writeString(tmp, rewritten);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long before = f.rereads();
            for (int i = 0; i < 250 && f.rereads() == before; i++) {
                Thread.sleep(20); // the follower thread notices by itself
            }
            assertThat(f.rereads()).isEqualTo(before + 1);
            java.util.List<LeasesParser.LeaseRecord> now = f.read(v -> v.activeLeases(NET, NOW));
            assertThat(now).extracting(l -> l.ip().toString()).containsExactly("192.0.2.20");
            assertThat(f.error()).isNull();
        }
    }
}
