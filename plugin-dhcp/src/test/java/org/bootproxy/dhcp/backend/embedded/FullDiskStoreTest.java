package org.bootproxy.dhcp.backend.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state directory on a full 2 MB tmpfs: a write that fails is never visible, reads go on, the
 * store says it cannot write, and it recovers by itself once space is freed, without a restart.
 */
class FullDiskStoreTest {

    private static final Ipv4Network NET = Ipv4Network.parse("10.0.0.0/16");
    private static final Subnet SUBNET = new Subnet(NET, null, null, List.of(), List.of(), null, List.of(),
            Duration.ofHours(12), null);
    private static final Instant NOW = Instant.parse("2026-11-23T10:08:29Z");

    private FullDisk disk;
    private EmbeddedBackend store;

    @BeforeEach
    void mount() throws Exception {
        disk = FullDisk.mount();
        Assumptions.assumeTrue(disk != null, "needs root to mount a tmpfs");
        store = EmbeddedBackend.open(disk.path().resolve("state"), List.of(SUBNET), InstantSource.fixed(NOW));
    }

    @AfterEach
    void unmount() throws Exception {
        if (store != null) {
            store.close();
        }
        if (disk != null) {
            disk.close();
        }
    }

    static Reservation reservation(int n) {
        MacAddress mac = MacAddress.parse(String.format("aa:bb:cc:00:%02x:%02x", (n >> 8) & 0xff, n & 0xff));
        return new Reservation("h" + n, "h" + n, NET.address().plus(n), mac, NET, "pxelinux.0", null, List.of(),
                Map.of(), true);
    }

    static Lease lease(int n) {
        MacAddress mac = MacAddress.parse(String.format("52:54:00:00:%02x:%02x", (n >> 8) & 0xff, n & 0xff));
        return new Lease(NET.address().plus(5000 + n), mac, NET, NOW, NOW.plusSeconds(3600), null);
    }

    @Test
    void aWriteThatFailsOnAFullDisk_isNeverVisible_andTheStoreRecoversByItself() throws Exception {
        store.addReservation(reservation(1));
        disk.fill();
        // the journal's last page may still take a few records: write until the disk refuses one
        List<Reservation> stored = new ArrayList<>(List.of(reservation(1)));
        Reservation refused = null;
        for (int n = 2; n < 2000 && refused == null; n++) {
            Reservation r = reservation(n);
            try {
                store.addReservation(r);
                stored.add(r);
            } catch (BackendUnavailableException e) {
                assertThat(e).hasMessageContaining("No space left on device");
                refused = r;
            }
        }
        assertThat(refused).as("the full disk refused a write").isNotNull();
        Reservation failed = refused;
        assertThat(store.reservationByMac(SUBNET, failed.mac())).isEmpty();
        assertThat(store.reservationByIp(SUBNET, failed.ip())).isEmpty();
        assertThat(store.reservationByIp(failed.ip())).isEmpty();
        assertThat(store.reservations(SUBNET)).containsExactlyElementsOf(stored);
        // the DHCP server's lease writes: one that is not durable is not acknowledged, and not visible
        List<Lease> leases = new ArrayList<>();
        Lease refusedLease = null;
        for (int n = 1; n < 2000 && refusedLease == null; n++) {
            Lease l = lease(n);
            try {
                store.saveLeaseAsync(l).toCompletableFuture().join();
                leases.add(l);
            } catch (java.util.concurrent.CompletionException e) {
                assertThat(e).hasRootCauseInstanceOf(IOException.class);
                refusedLease = l;
            }
        }
        assertThat(refusedLease).as("the full disk refused a lease").isNotNull();
        assertThat(store.leaseByIp(refusedLease.ip())).isEmpty();
        assertThat(store.leaseByMac(NET, refusedLease.mac())).isEmpty();
        assertThat(store.leases(NET)).containsExactlyInAnyOrderElementsOf(leases);
        // it says so
        assertThatThrownBy(store::checkHealth).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("cannot write").hasMessageContaining("No space left on device");
        assertThat(store.unavailable()).hasValueSatisfying(s -> assertThat(s).contains("No space left on device"));

        disk.free();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (store.unavailable().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(store.unavailable()).as("recovered without a write").isEmpty();
        store.checkHealth();
        store.addReservation(failed);
        store.saveLease(refusedLease);
        stored.add(failed);
        leases.add(refusedLease);

        // and what is on disk is exactly what was acknowledged
        store.close();
        store = EmbeddedBackend.open(disk.path().resolve("state"), List.of(SUBNET), InstantSource.fixed(NOW));
        assertThat(store.reservations(SUBNET)).containsExactlyInAnyOrderElementsOf(stored);
        assertThat(store.leases(NET)).containsExactlyInAnyOrderElementsOf(leases);
    }
}
