package org.bootproxy.dhcp.backend.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bootproxy.dhcp.backend.AddOutcome;
import org.bootproxy.dhcp.backend.NotDeleteableException;
import org.bootproxy.dhcp.backend.ReservationConflictException;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBackendTest {

    private static final Ipv4Network NET = Ipv4Network.parse("192.0.2.0/24");
    private static final Subnet SUBNET = new Subnet(NET, Ipv4Address.parse("192.0.2.100"),
            Ipv4Address.parse("192.0.2.200"), List.of(Ipv4Address.parse("192.0.2.1")), List.of(), null, List.of(),
            Duration.ofHours(12), null);
    private static final Instant NOW = Instant.parse("2026-11-23T10:08:29Z");
    private static final InstantSource CLOCK = InstantSource.fixed(NOW);

    @TempDir
    Path dir;

    private final List<EmbeddedBackend> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(EmbeddedBackend::close);
    }

    private EmbeddedBackend openStore(long compactBytes) throws IOException {
        EmbeddedBackend b = EmbeddedBackend.open(dir, List.of(SUBNET), CLOCK, compactBytes);
        open.add(b);
        return b;
    }

    private EmbeddedBackend openStore() throws IOException {
        return openStore(EmbeddedBackend.DEFAULT_COMPACT_BYTES);
    }

    private EmbeddedBackend reopen(EmbeddedBackend b) throws IOException {
        b.close();
        open.remove(b);
        return openStore();
    }

    static Reservation reservation(int host, String filename) {
        return new Reservation("h" + host + ".example.com", "h" + host + ".example.com",
                NET.address().plus(host), mac(host), NET, filename, "192.0.2.1",
                List.of("02:00:00:00:ff:" + String.format("%02x", host & 0xff)), Map.of("x_opt", "v" + host), true);
    }

    static MacAddress mac(int n) {
        return MacAddress.parse(String.format("aa:bb:cc:%02x:%02x:%02x", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff));
    }

    static Lease lease(int host, int macN) {
        return new Lease(NET.address().plus(host), mac(macN), NET, NOW.minusSeconds(60), NOW.plusSeconds(3600),
                "client" + macN);
    }

    @Test
    void reservationsAndLeases_surviveReopen() throws Exception {
        EmbeddedBackend b = openStore();
        assertThat(b.addReservation(reservation(10, "grub2/grubx64.efi"))).isEqualTo(AddOutcome.CREATED);
        assertThat(b.addReservation(reservation(11, null))).isEqualTo(AddOutcome.CREATED);
        b.saveLease(lease(150, 500));
        b.saveLease(lease(151, 501));
        b.removeLease(Ipv4Address.parse("192.0.2.151"));
        assertThat(b.deleteReservation(reservation(11, null))).isTrue();

        EmbeddedBackend again = reopen(b);
        assertThat(again.reservations(SUBNET)).containsExactly(reservation(10, "grub2/grubx64.efi"));
        assertThat(again.leases(NET)).containsExactly(lease(150, 500));
        assertThat(again.leaseByMac(NET, mac(500))).contains(lease(150, 500));
        assertThat(again.leaseByIp(Ipv4Address.parse("192.0.2.151"))).isEmpty();
        // the server's view finds a reservation by one of its related MACs too; the API's view does not
        assertThat(again.reservationByMac(NET, MacAddress.parse("02:00:00:00:ff:0a")))
                .contains(reservation(10, "grub2/grubx64.efi"));
        assertThat(again.reservationByMac(SUBNET, MacAddress.parse("02:00:00:00:ff:0a"))).isEmpty();
    }

    @Test
    void identicalReservation_isUnchanged_andConflictsChangeNothing() throws Exception {
        EmbeddedBackend b = openStore();
        Reservation r = reservation(10, "pxelinux.0");
        b.addReservation(r);
        assertThat(b.addReservation(r)).isEqualTo(AddOutcome.UNCHANGED);
        long records = b.journalRecords();

        Reservation sameMacOtherIp = new Reservation(r.name(), r.hostname(), NET.address().plus(20), r.mac(), NET,
                r.filename(), r.nextServer(), r.relatedMacs(), r.options(), true);
        Reservation sameIpOtherMac = new Reservation("other", "other", r.ip(), mac(99), NET, null, null, null, null,
                true);
        Reservation otherFilename = new Reservation(r.name(), r.hostname(), r.ip(), r.mac(), NET, "grub2/shimx64.efi",
                r.nextServer(), r.relatedMacs(), r.options(), true);
        for (Reservation bad : List.of(sameMacOtherIp, sameIpOtherMac, otherFilename)) {
            assertThatThrownBy(() -> b.addReservation(bad)).isInstanceOf(ReservationConflictException.class)
                    .hasMessage("Record 192.0.2.0/" + bad.ip() + " already exists");
        }
        assertThat(b.journalRecords()).isEqualTo(records);
        assertThat(reopen(b).reservations(SUBNET)).containsExactly(r);
    }

    static Reservation bondedNic(int nic, List<Integer> others) {
        List<String> related = others.stream().map(n -> mac(0x500 + n).toString()).toList();
        return new Reservation("host-0" + nic, "host-0" + nic, NET.address().plus(50), mac(0x500 + nic), NET,
                "pxelinux.0", null, related, Map.of(), true);
    }

    @Test
    void bondedHost_reservationsThatNameEachOther_shareTheIp_andSurviveReopenAndCompaction() throws Exception {
        EmbeddedBackend b = openStore(4096);
        Reservation nic1 = bondedNic(1, List.of(2, 3));
        Reservation nic2 = bondedNic(2, List.of(1, 3));
        Reservation nic3 = bondedNic(3, List.of(1, 2));
        assertThat(b.addReservation(nic1)).isEqualTo(AddOutcome.CREATED);
        assertThat(b.addReservation(nic2)).isEqualTo(AddOutcome.CREATED);
        assertThat(b.addReservation(nic3)).isEqualTo(AddOutcome.CREATED);
        // neither is a conflict of the others when Foreman re-sends them
        assertThat(b.addReservation(nic1)).isEqualTo(AddOutcome.UNCHANGED);
        assertThat(b.reservationsByIp(SUBNET, nic1.ip())).containsExactly(nic1, nic2, nic3);
        assertThat(b.reservationsByIp(nic1.ip())).containsExactly(nic1, nic2, nic3);
        assertThat(b.reservationByMac(SUBNET, nic2.mac())).contains(nic2);
        assertThat(b.reservations(SUBNET)).containsExactly(nic1, nic2, nic3);
        // one that does not name them all, or that they do not name, is a conflict
        Reservation stranger = new Reservation("other", "other", nic1.ip(), mac(0x600), NET, null, null,
                List.of(nic1.mac().toString(), nic2.mac().toString(), nic3.mac().toString()), Map.of(), true);
        assertThatThrownBy(() -> b.addReservation(stranger)).isInstanceOf(ReservationConflictException.class);
        Reservation partial = bondedNic(4, List.of(1, 2, 3));
        assertThatThrownBy(() -> b.addReservation(partial)).isInstanceOf(ReservationConflictException.class);
        // deleting one leaves the others
        assertThat(b.deleteReservation(nic2)).isTrue();
        assertThat(b.reservationsByIp(SUBNET, nic1.ip())).containsExactly(nic1, nic3);
        for (int i = 0; i < 100; i++) {
            b.saveLease(lease(100 + (i % 40), 4000 + i)); // enough to rotate and write a snapshot
        }
        waitForCompaction();
        b.addReservation(nic2);
        EmbeddedBackend again = reopen(b);
        assertThat(again.reservationsByIp(SUBNET, nic1.ip())).containsExactly(nic1, nic2, nic3);
    }

    @Test
    void staticHost_isNotDeleteable() throws Exception {
        EmbeddedBackend b = openStore();
        Reservation fixed = new Reservation("fixed", "fixed", NET.address().plus(5), mac(5), NET, null, null, null,
                null, false);
        b.addReservation(fixed);
        assertThatThrownBy(() -> b.deleteReservation(fixed)).isInstanceOf(NotDeleteableException.class)
                .hasMessageContaining("192.0.2.5");
        assertThat(b.reservations(SUBNET)).containsExactly(fixed);
        assertThat(b.deleteReservation(reservation(77, null))).isFalse();
    }

    @Test
    void expiredLeases_areNotActive_butStayInTheServersView() throws Exception {
        EmbeddedBackend b = openStore();
        Lease expired = new Lease(NET.address().plus(160), mac(600), NET, NOW.minusSeconds(7200),
                NOW.minusSeconds(1), null);
        b.saveLease(expired);
        assertThat(b.activeLeases(SUBNET)).isEmpty();
        assertThat(b.activeLeaseByMac(SUBNET, mac(600))).isEmpty();
        assertThat(b.leaseByMac(NET, mac(600))).contains(expired);
    }

    @Test
    void leaseIndexByMac_followsRenewalsTakeoversAndReleases() throws Exception {
        EmbeddedBackend b = openStore();
        Lease older = new Lease(NET.address().plus(120), mac(700), NET, NOW.minusSeconds(600), NOW.plusSeconds(60),
                null);
        Lease newer = new Lease(NET.address().plus(121), mac(700), NET, NOW.minusSeconds(60), NOW.plusSeconds(600),
                null);
        b.saveLease(older);
        b.saveLease(newer);
        assertThat(b.leaseByMac(NET, mac(700))).contains(newer);
        // a renewal of the same address keeps it findable by MAC
        Lease renewed = new Lease(newer.ip(), newer.mac(), NET, NOW, NOW.plusSeconds(900), "renewed");
        b.saveLease(renewed);
        assertThat(b.leaseByMac(NET, mac(700))).contains(renewed);
        // another client takes .121 over: MAC 700 falls back to its other lease, the newcomer has .121
        Lease takeover = new Lease(newer.ip(), mac(701), NET, NOW, NOW.plusSeconds(900), null);
        b.saveLease(takeover);
        assertThat(b.leaseByMac(NET, mac(700))).contains(older);
        assertThat(b.leaseByMac(NET, mac(701))).contains(takeover);
        b.removeLease(older.ip());
        assertThat(b.leaseByMac(NET, mac(700))).isEmpty();
        assertThat(b.leaseByIp(older.ip())).isEmpty();
        EmbeddedBackend again = reopen(b);
        assertThat(again.leases(NET)).containsExactly(takeover);
        assertThat(again.leaseByMac(NET, mac(701))).contains(takeover);
    }

    @Test
    void tornTail_isIgnoredAndCutOff() throws Exception {
        EmbeddedBackend b = openStore();
        b.addReservation(reservation(10, "a"));
        b.addReservation(reservation(11, "b"));
        b.close();
        open.remove(b);
        Path journal = onlyJournal();
        long full = Files.size(journal);
        // a crash in the middle of the last record: drop its last 5 bytes
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(full - 5);
        }
        EmbeddedBackend again = openStore();
        assertThat(again.reservations(SUBNET)).containsExactly(reservation(10, "a"));
        assertThat(Files.size(journal)).isLessThan(full - 5); // the torn part is gone
        // and appending after the cut works and survives
        again.addReservation(reservation(12, "c"));
        assertThat(reopen(again).reservations(SUBNET)).containsExactly(reservation(10, "a"), reservation(12, "c"));
    }

    @Test
    void garbageAfterTheLastRecord_isIgnored() throws Exception {
        EmbeddedBackend b = openStore();
        b.addReservation(reservation(10, "a"));
        b.close();
        open.remove(b);
        // a length field that runs past the end of the file, as a torn frame header leaves it
        Files.write(onlyJournal(), new byte[] {0, 0, 1, 0, 1, 2}, StandardOpenOption.APPEND);
        assertThat(openStore().reservations(SUBNET)).containsExactly(reservation(10, "a"));
    }

    @Test
    void compaction_writesSnapshot_removesOldJournals_andKeepsEveryChange() throws Exception {
        EmbeddedBackend b = openStore(4096);
        for (int i = 1; i <= 60; i++) {
            b.addReservation(reservation(i, "f" + i));
        }
        for (int i = 1; i <= 60; i += 2) {
            b.deleteReservation(reservation(i, "f" + i));
        }
        for (int i = 0; i < 200; i++) {
            b.saveLease(lease(100 + (i % 100), 1000 + i));
        }
        waitForCompaction();
        assertThat(dir.resolve(Journal.SNAPSHOT_FILE)).exists();
        assertThat(journals().size()).isLessThanOrEqualTo(2);

        EmbeddedBackend again = reopen(b);
        List<Reservation> expected = new ArrayList<>();
        for (int i = 2; i <= 60; i += 2) {
            expected.add(reservation(i, "f" + i));
        }
        assertThat(again.reservations(SUBNET)).containsExactlyElementsOf(expected);
        assertThat(again.leases(NET)).hasSize(100);
        assertThat(again.leaseByIp(NET.address().plus(100))).contains(lease(100, 1100));
    }

    @Test
    void journalOlderThanTheSnapshot_isNotReplayed() throws Exception {
        EmbeddedBackend b = openStore(4096);
        b.addReservation(reservation(7, "gone"));
        Path first = onlyJournal();
        Path saved = dir.resolve("saved-journal");
        b.deleteReservation(reservation(7, "gone"));
        Files.copy(first, saved);
        for (int i = 0; i < 200; i++) {
            b.saveLease(lease(100 + (i % 50), 2000 + i));
        }
        waitForCompaction();
        b.close();
        open.remove(b);
        assertThat(first).doesNotExist();
        // a crash between writing the snapshot and deleting the old journal leaves it behind
        Files.move(saved, first);
        EmbeddedBackend again = openStore();
        assertThat(again.reservations(SUBNET)).isEmpty();
        assertThat(first).doesNotExist();
    }

    @Test
    void concurrentWriters_shareFsyncs_andAllSurvive() throws Exception {
        EmbeddedBackend b = openStore(64 * 1024);
        int threads = 16;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        int n = base + i;
                        b.saveLease(new Lease(Ipv4Address.parse("10.0.0.0").plus(n), mac(n),
                                Ipv4Network.parse("10.0.0.0/16"), NOW, NOW.plusSeconds(600), null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(b.journalRecords()).isEqualTo(threads * each);
        // group commit: fewer fsyncs than records
        assertThat(b.journalBatches()).isLessThan(b.journalRecords());
        waitForCompaction();
        EmbeddedBackend again = reopen(b);
        assertThat(again.leases(Ipv4Network.parse("10.0.0.0/16"))).hasSize(threads * each);
    }

    @Test
    void aFailedJournalWrite_isRolledBack_andTheStoreRecoversByItself() throws Exception {
        EmbeddedBackend b = openStore();
        b.addReservation(reservation(10, "a"));
        Path journal = onlyJournal();
        // a real I/O error: the kernel refuses writes to an immutable file even through an open descriptor
        org.junit.jupiter.api.Assumptions.assumeTrue(chattr("+i", journal), "needs chattr on this file system");
        try {
            assertThatThrownBy(() -> b.addReservation(reservation(11, "b")))
                    .isInstanceOf(org.bootproxy.dhcp.backend.BackendUnavailableException.class)
                    .hasMessageContaining("embedded DHCP store cannot write");
            // nothing that failed is visible, to the API or to the DHCP server
            assertThat(b.reservationByMac(SUBNET, mac(11))).isEmpty();
            assertThat(b.reservationByIp(SUBNET, NET.address().plus(11))).isEmpty();
            assertThat(b.reservationByIp(NET.address().plus(11))).isEmpty();
            assertThat(b.reservations(SUBNET)).containsExactly(reservation(10, "a"));
            assertThatThrownBy(() -> b.saveLease(lease(150, 500))).isInstanceOf(IOException.class);
            assertThat(b.leaseByIp(NET.address().plus(150))).isEmpty();
            assertThat(b.leaseByMac(NET, mac(500))).isEmpty();
            var async = b.saveLeaseAsync(lease(151, 501)).toCompletableFuture();
            assertThatThrownBy(async::join).hasCauseInstanceOf(IOException.class);
            assertThat(b.leaseByIp(NET.address().plus(151))).isEmpty();
            // a delete that fails leaves the reservation in place
            assertThatThrownBy(() -> b.deleteReservation(reservation(10, "a")))
                    .isInstanceOf(org.bootproxy.dhcp.backend.BackendUnavailableException.class);
            assertThat(b.reservations(SUBNET)).containsExactly(reservation(10, "a"));
            assertThatThrownBy(b::checkHealth).isInstanceOf(org.bootproxy.dhcp.backend.BackendUnavailableException.class)
                    .hasMessageContaining("cannot write");
            assertThat(b.unavailable()).isPresent();
        } finally {
            chattr("-i", journal);
        }
        // no restart and no write needed: the store probes and becomes writable again by itself
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (b.unavailable().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        b.checkHealth();
        b.addReservation(reservation(12, "c"));
        b.saveLease(lease(152, 502));
        EmbeddedBackend again = reopen(b);
        assertThat(again.reservations(SUBNET)).containsExactly(reservation(10, "a"), reservation(12, "c"));
        assertThat(again.leases(NET)).containsExactly(lease(152, 502));
    }

    private static boolean chattr(String flag, Path file) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void secondOpenOfTheSameDirectory_isRefused() throws Exception {
        openStore();
        assertThatThrownBy(() -> EmbeddedBackend.open(dir, List.of(SUBNET), CLOCK))
                .isInstanceOf(IOException.class).hasMessageContaining("in use by a running bootproxy");
    }

    @Test
    void corruptSnapshot_refusesToStart() throws Exception {
        EmbeddedBackend b = openStore(2048);
        for (int i = 0; i < 100; i++) {
            b.saveLease(lease(100 + (i % 50), 3000 + i));
        }
        waitForCompaction();
        b.close();
        open.remove(b);
        Path snap = dir.resolve(Journal.SNAPSHOT_FILE);
        byte[] bytes = Files.readAllBytes(snap);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(snap, bytes);
        assertThatThrownBy(this::openStore).isInstanceOf(IOException.class).hasMessageContaining("snapshot");
    }

    @Test
    void records_roundTrip() throws Exception {
        for (StoreRecord r : List.of(new StoreRecord.PutReservation(reservation(3, "x")),
                new StoreRecord.PutReservation(new Reservation("n", null, NET.address().plus(4), mac(4), NET, null,
                        null, null, null, false)),
                new StoreRecord.DeleteReservation(NET, mac(3)), new StoreRecord.PutLease(lease(120, 9)),
                new StoreRecord.DeleteLease(NET.address().plus(120)))) {
            assertThat(StoreRecord.decode(r.encode())).isEqualTo(r);
        }
        assertThatThrownBy(() -> StoreRecord.decode(new byte[] {9})).isInstanceOf(IOException.class)
                .hasMessageContaining("unknown store record type 9");
        byte[] cut = new StoreRecord.PutLease(lease(120, 9)).encode();
        assertThatThrownBy(() -> StoreRecord.decode(java.util.Arrays.copyOf(cut, cut.length - 2)))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
    }

    private void waitForCompaction() throws Exception {
        // compaction runs on its own thread; the snapshot appears atomically and old journals go after it
        for (int i = 0; i < 200; i++) {
            if (Files.exists(dir.resolve(Journal.SNAPSHOT_FILE)) && journals().size() <= 2) {
                Thread.sleep(50);
                return;
            }
            Thread.sleep(25);
        }
    }

    private List<Path> journals() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("journal-")).sorted().toList();
        }
    }

    private Path onlyJournal() throws IOException {
        List<Path> j = journals();
        assertThat(j).hasSize(1);
        return j.get(0);
    }
}
