package org.bootproxy.dhcp.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.bootproxy.dhcp.backend.isc.IscLeasesProbe;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.Test;

/**
 * The dhcpd.leases follower on files the real dhcpd writes under perfdhcp load, with dhcpd
 * restarted in the middle (it rewrites the file: a new inode). The oracle is dhcpd itself: at its
 * next start it rewrites the file from its own lease database, and the active leases the follower
 * built from appends must be exactly those.
 */
class IscLeasesLiveTest {

    @Test
    void followerUnderPerfdhcpLoad_withARewriteMidway_matchesDhcpdsOwnDatabase() throws Exception {
        try (ServerClientPair net = new ServerClientPair("l", "192.0.2.250/24");
             Dhcpd dhcpd = Dhcpd.configure(net.srv, net.dir, "  range 192.0.2.10 192.0.2.209;\n", "")) {
            Path dir = net.dir;
            NetNs cli = net.cli;
            dhcpd.start();
            try (IscLeasesProbe follower = IscLeasesProbe.follow(dhcpd.leases)) {
                Process load = cli.start(new ProcessBuilder("perfdhcp", "-4", "-l", "veth0", "-r", "60", "-R", "180",
                        "-p", "8").redirectErrorStream(true).redirectOutput(dir.resolve("perfdhcp.log").toFile()));
                Thread.sleep(3500);
                long rereads = follower.rereads();
                dhcpd.stop();
                dhcpd.start(); // rewrites dhcpd.leases while the follower follows it
                assertThat(load.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String perf = Files.readString(dir.resolve("perfdhcp.log"));
                assertThat(perf).as(perf).contains("received packets");
                Thread.sleep(1000); // the follower's interval is 50 ms

                Instant now = Instant.now();
                Map<String, String> followed = follower.activeLeases("192.0.2.0/24", now);
                assertThat(follower.rereads()).as("the rewrite was noticed").isGreaterThan(rereads);
                assertThat(follower.malformed()).isZero();
                assertThat(followed.size()).as(perf).isGreaterThan(50);
                assertThat(followed).isEqualTo(IscLeasesProbe.parse(dhcpd.leases, "192.0.2.0/24", now));

                // dhcpd's own database, as it writes it out at its next start
                dhcpd.stop();
                Object before = Files.readAttributes(dhcpd.leases, java.nio.file.attribute.BasicFileAttributes.class)
                        .fileKey();
                dhcpd.start();
                // dhcpd writes its database to a new file at start (the content can equal the old one
                // when nothing was appended since the last rewrite): a new inode says it did
                assertThat(Files.readAttributes(dhcpd.leases, java.nio.file.attribute.BasicFileAttributes.class)
                        .fileKey()).isNotEqualTo(before);
                Map<String, String> dhcpdsOwn = new TreeMap<>(IscLeasesProbe.parse(dhcpd.leases, "192.0.2.0/24", now));
                assertThat(new TreeMap<>(followed)).isEqualTo(dhcpdsOwn);
            }
        }
    }
}
