package org.bootproxy.dhcp.backend.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.bootproxy.dhcp.model.Lease6;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.protocol6.Duid;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.Ipv6Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DHCPv6 bindings in the embedded store: journalled, snapshotted and replayed like DHCPv4 leases. */
class EmbeddedLease6Test {

    private static final Subnet SUBNET = new Subnet(Ipv4Network.parse("192.0.2.0/24"), Ipv4Address.parse("192.0.2.100"),
            Ipv4Address.parse("192.0.2.200"), List.of(), List.of(), null, List.of(), Duration.ofHours(12), null);
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");
    private static final Duid DUID = Duid.linkLayer(MAC);

    @TempDir
    Path dir;

    private EmbeddedBackend open(long compactBytes) throws Exception {
        return EmbeddedBackend.open(dir, List.of(SUBNET), InstantSource.fixed(NOW), compactBytes);
    }

    private static Inet6Address v6(String s) {
        return Ipv6Network.parseAddress(s);
    }

    @Test
    void bindings_surviveAReopen_andAnIaMovingToAnotherAddressLeavesOneBinding() throws Exception {
        try (EmbeddedBackend b = open(1 << 20)) {
            b.saveLease6(new Lease6(v6("2001:db8::100"), DUID, 1, MAC, NOW.plusSeconds(3600), Lease6.State.ACTIVE));
            b.saveLease6(new Lease6(v6("2001:db8::101"), DUID, 1, MAC, NOW.plusSeconds(3600), Lease6.State.ACTIVE));
            b.saveLease6(new Lease6(v6("2001:db8::102"), DUID, 2, null, NOW.plusSeconds(60), Lease6.State.DECLINED));
        }
        try (EmbeddedBackend b = open(1 << 20)) {
            assertThat(b.lease6ByIp(v6("2001:db8::100"))).isEmpty();
            Lease6 l = b.lease6(DUID, 1).orElseThrow();
            assertThat(l.ip()).isEqualTo(v6("2001:db8::101"));
            assertThat(l.mac()).isEqualTo(MAC);
            assertThat(b.lease6(DUID, 2).orElseThrow().state()).isEqualTo(Lease6.State.DECLINED);
            assertThat(b.lease6(DUID, 2).orElseThrow().mac()).isNull();

            b.removeLease6(v6("2001:db8::101"));
        }
        try (EmbeddedBackend b = open(1 << 20)) {
            assertThat(b.lease6(DUID, 1)).isEmpty();
            assertThat(b.leases6()).hasSize(1);
        }
    }

    @Test
    void bindings_areKeptInSnapshots() throws Exception {
        // a tiny compaction threshold: every few records the store writes a snapshot and a new journal
        try (EmbeddedBackend b = open(256)) {
            for (int i = 0; i < 50; i++) {
                b.saveLease6(new Lease6(v6("2001:db8::" + Integer.toHexString(0x100 + i)), DUID, i, MAC,
                        NOW.plusSeconds(3600), Lease6.State.ACTIVE));
            }
        }
        try (EmbeddedBackend b = open(256)) {
            assertThat(b.leases6()).hasSize(50);
            assertThat(b.lease6(DUID, 49).orElseThrow().ip()).isEqualTo(v6("2001:db8::131"));
        }
    }

    private static Lease6 binding(int n, Instant expires, Lease6.State state) {
        return new Lease6(v6("2001:db8::" + Integer.toHexString(0x100 + n)), DUID, n, MAC, expires, state);
    }

    @Test
    void removeLeases6ExpiredBy_removesOnlyBindingsExpiredByTheCutoff_andARestartDoesNotBringThemBack()
            throws Exception {
        Lease6 longGone = binding(1, NOW.minusSeconds(7200), Lease6.State.ACTIVE);
        Lease6 declined = binding(2, NOW.minusSeconds(3600), Lease6.State.DECLINED);
        Lease6 recent = binding(3, NOW.minusSeconds(60), Lease6.State.ACTIVE);
        Lease6 active = binding(4, NOW.plusSeconds(3600), Lease6.State.ACTIVE);
        try (EmbeddedBackend b = open(1 << 20)) {
            for (Lease6 l : List.of(longGone, declined, recent, active)) {
                b.saveLease6(l);
            }
            assertThat(b.removeLeases6ExpiredBy(NOW.minusSeconds(3600))).containsExactlyInAnyOrder(longGone, declined);
            assertThat(b.removeLeases6ExpiredBy(NOW.minusSeconds(3600))).isEmpty();
            assertThat(b.leases6()).containsExactlyInAnyOrder(recent, active);
            assertThat(b.lease6(DUID, 1)).isEmpty();
            assertThat(b.lease6ByIp(declined.ip())).isEmpty();
        }
        try (EmbeddedBackend b = open(1 << 20)) {
            assertThat(b.leases6()).containsExactlyInAnyOrder(recent, active);
            assertThat(b.lease6(DUID, 1)).isEmpty();
            assertThat(b.lease6(DUID, 2)).isEmpty();
            assertThat(b.lease6(DUID, 3)).contains(recent);
        }
    }

    @Test
    void removedBindings_stayRemovedAcrossSnapshots() throws Exception {
        List<Lease6> kept = new ArrayList<>();
        // a tiny compaction threshold: removals land in journals that snapshots replace
        try (EmbeddedBackend b = open(256)) {
            for (int i = 0; i < 60; i++) {
                Lease6 l = binding(i, i % 3 == 0 ? NOW.plusSeconds(3600) : NOW.minusSeconds(3600 + i),
                        Lease6.State.ACTIVE);
                b.saveLease6(l);
                if (i % 3 == 0) {
                    kept.add(l);
                }
            }
            assertThat(b.removeLeases6ExpiredBy(NOW.minusSeconds(3600))).hasSize(40);
            for (int i = 100; i < 130; i++) { // more records, so a snapshot is taken after the removals
                b.saveLease6(binding(i, NOW.plusSeconds(3600), Lease6.State.ACTIVE));
            }
            b.removeLease6(binding(100, NOW, Lease6.State.ACTIVE).ip());
        }
        try (EmbeddedBackend b = open(256)) {
            assertThat(b.leases6()).hasSize(20 + 29).containsAll(kept);
            assertThat(b.leases6()).allSatisfy(l -> assertThat(l.expires()).isAfter(NOW));
        }
    }

    @Test
    void removals_thatAFullDiskRefuses_stayVisible_andMemoryMatchesDiskAfterARestart() throws Exception {
        FullDisk disk = FullDisk.mount();
        Assumptions.assumeTrue(disk != null, "needs root to mount a tmpfs");
        try (disk) {
            Path state = disk.path().resolve("state");
            List<Lease6> left;
            try (EmbeddedBackend b = EmbeddedBackend.open(state, List.of(SUBNET), InstantSource.fixed(NOW))) {
                for (int i = 0; i < 600; i++) {
                    b.saveLease6(binding(i, NOW.minusSeconds(7200), Lease6.State.ACTIVE));
                }
                disk.fill();
                // 600 removals need more than the journal's last page: the disk refuses some or all
                assertThatThrownBy(() -> b.removeLeases6ExpiredBy(NOW)).isInstanceOf(IOException.class)
                        .hasMessageContaining("expired DHCPv6 bindings").hasMessageContaining("No space left on device");
                left = List.copyOf(b.leases6());
                assertThat(left).as("a removal the disk refused is not visible as done").isNotEmpty();
                disk.free();
            }
            try (EmbeddedBackend b = EmbeddedBackend.open(state, List.of(SUBNET), InstantSource.fixed(NOW))) {
                assertThat(b.leases6()).containsExactlyInAnyOrderElementsOf(left);
                assertThat(b.removeLeases6ExpiredBy(NOW)).hasSize(left.size());
            }
            try (EmbeddedBackend b = EmbeddedBackend.open(state, List.of(SUBNET), InstantSource.fixed(NOW))) {
                assertThat(b.leases6()).isEmpty();
            }
        }
    }
}
