package org.bootproxy.dhcp.backend.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.sourceforge.argparse4j.inf.Namespace;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.export.DhcpConfigCommand;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged journal never loses a record silently: only a torn tail of the newest journal is cut;
 * any other damage refuses to open and changes no byte; {@code dhcp-store verify} reports it and
 * {@code dhcp-store salvage} keeps every frame that verifies and names what was lost.
 */
class StoreDamageTest {

    private static final Ipv4Network NET = Ipv4Network.parse("192.0.2.0/24");
    private static final Ipv4Network BIG = Ipv4Network.parse("10.0.0.0/16");
    private static final List<Subnet> SUBNETS = List.of(
            new Subnet(NET, null, null, List.of(), List.of(), null, List.of(), Duration.ofHours(12), null),
            new Subnet(BIG, null, null, List.of(), List.of(), null, List.of(), Duration.ofHours(12), null));
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-23T10:08:29Z"));

    /** A byte inside the first record's boot file name: the frame's checksum fails, its fields still decode. */
    private static final int IN_FIRST_RECORD = 16 + 8 + 60;

    @TempDir
    Path dir;

    static Reservation reservation(Ipv4Network net, int host) {
        MacAddress mac = MacAddress.parse(String.format("aa:bb:cc:%02x:%02x:%02x", (host >> 16) & 0xff,
                (host >> 8) & 0xff, host & 0xff));
        return new Reservation("h" + host + ".example.com", "h" + host + ".example.com", net.address().plus(host), mac,
                net, "grub2/grubx64.efi", "192.0.2.1", List.of(), Map.of(), true);
    }

    /** Stores {@code n} reservations of NET (hosts 10, 11, ...) and closes the store. */
    private List<Reservation> store(Ipv4Network net, int n) throws Exception {
        List<Reservation> all = new ArrayList<>();
        try (EmbeddedBackend b = EmbeddedBackend.open(dir, SUBNETS, CLOCK)) {
            for (int i = 0; i < n; i++) {
                Reservation r = reservation(net, 10 + i);
                b.addReservation(r);
                all.add(r);
            }
        }
        return all;
    }

    private Path onlyJournal() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> j = s.filter(p -> p.getFileName().toString().startsWith("journal-")).toList();
            assertThat(j).hasSize(1);
            return j.get(0);
        }
    }

    private static void flip(Path file, long at) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) at] ^= 0x20;
        Files.write(file, b);
    }

    /** Every file of the state directory with its bytes, to show nothing changed. */
    private Map<String, String> contents() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    private List<Reservation> reopen(Ipv4Network net) throws IOException {
        try (EmbeddedBackend b = EmbeddedBackend.open(dir, SUBNETS, CLOCK)) {
            return b.reservations(SUBNETS.get(net.equals(NET) ? 0 : 1));
        }
    }

    private DhcpConfig config() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readValue("""
                enabled: true
                provider: embedded
                state_dir: %s
                boot:
                  next_server: 192.0.2.1
                subnets:
                  - network: 192.0.2.0/24
                  - network: 10.0.0.0/16
                """.formatted(dir), DhcpConfig.class);
    }

    private String dhcpStore(String action) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new DhcpStoreCommand().run(new Namespace(Map.of("action", action)), config(), out);
        } catch (Exception e) {
            throw new CommandFailed(bytes.toString(StandardCharsets.UTF_8), e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The command threw (non-zero exit); carries what it printed first. */
    static final class CommandFailed extends Exception {
        final String output;

        CommandFailed(String output, Exception cause) {
            super(cause.getMessage() + "\n" + output, cause);
            this.output = output;
        }
    }

    // ------------------------------------------------------------------ refusing to open

    @Test
    void aFlippedByteInTheFirstRecord_refusesToOpen_namingFileAndOffset_andChangesNoByte() throws Exception {
        store(NET, 10);
        Path journal = onlyJournal();
        flip(journal, 16 + 8 + 5); // inside the first record's payload
        Map<String, String> before = contents();
        assertThatThrownBy(() -> EmbeddedBackend.open(dir, SUBNETS, CLOCK))
                .isInstanceOfSatisfying(StoreDamagedException.class, e -> {
                    assertThat(e.file()).isEqualTo(journal);
                    assertThat(e.offset()).isEqualTo(16);
                    assertThat(e.reason()).contains("checksum mismatch");
                })
                .hasMessageContaining(journal.toString()).hasMessageContaining("at byte 16")
                .hasMessageContaining("dhcp-store salvage");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void aFlippedHeaderByte_refusesToOpen_andChangesNoByte() throws Exception {
        store(NET, 10);
        flip(onlyJournal(), 3);
        Map<String, String> before = contents();
        assertThatThrownBy(() -> EmbeddedBackend.open(dir, SUBNETS, CLOCK)).isInstanceOf(StoreDamagedException.class)
                .hasMessageContaining("at byte 0: bad header");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void aCorruptLastRecord_isDamage_notATornTail() throws Exception {
        store(NET, 2);
        Path journal = onlyJournal();
        flip(journal, Files.size(journal) - 3); // complete frame, bad checksum: it was acknowledged
        Map<String, String> before = contents();
        assertThatThrownBy(() -> EmbeddedBackend.open(dir, SUBNETS, CLOCK)).isInstanceOf(StoreDamagedException.class)
                .hasMessageContaining("checksum mismatch");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void anUnknownRecordType_refusesToOpen() throws Exception {
        store(NET, 3);
        Path journal = onlyJournal();
        long at = Files.size(journal);
        byte[] payload = {9, 1, 2, 3};
        CRC32C crc = new CRC32C();
        crc.update(payload);
        Files.write(journal, ByteBuffer.allocate(8 + payload.length).putInt(payload.length)
                .putInt((int) crc.getValue()).put(payload).array(), StandardOpenOption.APPEND);
        assertThatThrownBy(() -> EmbeddedBackend.open(dir, SUBNETS, CLOCK)).isInstanceOf(StoreDamagedException.class)
                .hasMessageContaining("at byte " + at).hasMessageContaining("unknown store record type 9");
    }

    @Test
    void aLengthThatRunsPastTheEnd_withValidRecordsAfterIt_isDamage_notATornTail() throws Exception {
        store(NET, 10);
        Path journal = onlyJournal();
        // the first frame's length field made huge: it "runs past the end", but nine valid frames follow
        byte[] b = Files.readAllBytes(journal);
        b[16] = 0x00;
        b[17] = 0x7f;
        Files.write(journal, b);
        Map<String, String> before = contents();
        assertThatThrownBy(() -> EmbeddedBackend.open(dir, SUBNETS, CLOCK)).isInstanceOf(StoreDamagedException.class)
                .hasMessageContaining("runs past the end of the file but a valid record follows at byte");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void aTornTail_isStillCutOff_andEveryAcknowledgedRecordKept() throws Exception {
        List<Reservation> all = store(NET, 5);
        Path journal = onlyJournal();
        long full = Files.size(journal);
        try (var ch = java.nio.channels.FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(full - 7); // the last write, cut short by a crash
        }
        assertThat(reopen(NET)).containsExactlyElementsOf(all.subList(0, 4));
        assertThat(Files.size(journal)).isLessThan(full - 7);
    }

    // ------------------------------------------------------------------ dhcp-store verify / salvage

    @Test
    void verify_reportsDamage_failsAndChangesNoByte() throws Exception {
        store(NET, 10);
        flip(onlyJournal(), IN_FIRST_RECORD);
        Map<String, String> before = contents();
        assertThatThrownBy(() -> dhcpStore("verify")).isInstanceOfSatisfying(CommandFailed.class, e ->
                assertThat(e.output).contains("9 record(s) verify, DAMAGED", "damaged bytes 16..",
                        "checksum mismatch", "probably held: reservation h10.example.com 192.0.2.10 aa:bb:cc:00:00:0a"))
                .hasMessageContaining("is damaged");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void verify_ofAStoreWithOnlyATornTail_isOk_andChangesNoByte() throws Exception {
        store(NET, 3);
        Path journal = onlyJournal();
        Files.write(journal, new byte[] {0, 0, 1, 0, 1, 2}, StandardOpenOption.APPEND);
        Map<String, String> before = contents();
        assertThat(dhcpStore("verify")).contains("torn tail at byte", "ok: the store is not damaged");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void salvage_keepsEveryRecordThatVerifies_movesTheDamagedFileAside_andReportsWhatWasLost() throws Exception {
        List<Reservation> all = store(NET, 10);
        Path journal = onlyJournal();
        byte[] original = Files.readAllBytes(journal);
        flip(journal, IN_FIRST_RECORD);
        byte[] damaged = Files.readAllBytes(journal);
        String out = dhcpStore("salvage");
        assertThat(out).contains("kept 9 record(s)", "lost:", "reservation h10.example.com 192.0.2.10");
        assertThat(reopen(NET)).containsExactlyElementsOf(all.subList(1, 10));
        // the damaged file is kept, byte for byte, for a closer look
        Path aside;
        try (Stream<Path> s = Files.list(dir)) {
            aside = s.filter(p -> p.getFileName().toString().startsWith("damaged-")).findFirst().orElseThrow();
        }
        assertThat(Files.readAllBytes(aside.resolve(journal.getFileName()))).isEqualTo(damaged).isNotEqualTo(original);
        assertThat(dhcpStore("verify")).contains("ok: the store is not damaged");
    }

    @Test
    void damageAtTenPercentOfALargeJournal_losesOnlyTheDamagedRecord() throws Exception {
        List<Reservation> all = store(BIG, 3000);
        Path journal = onlyJournal();
        flip(journal, Files.size(journal) / 10);
        assertThatThrownBy(() -> EmbeddedBackend.open(dir, SUBNETS, CLOCK)).isInstanceOf(StoreDamagedException.class);
        String out = dhcpStore("salvage");
        assertThat(out).contains("kept 2999 record(s)");
        List<Reservation> kept = reopen(BIG);
        assertThat(kept).hasSize(2999);
        List<Reservation> lost = new ArrayList<>(all);
        lost.removeAll(kept);
        assertThat(lost).hasSize(1);
        assertThat(out).contains(lost.get(0).name() + " " + lost.get(0).ip());
    }

    @Test
    void salvage_ofADamagedHeader_losesNothing() throws Exception {
        List<Reservation> all = store(NET, 10);
        flip(onlyJournal(), 3);
        String out = dhcpStore("salvage");
        assertThat(out).contains("kept 10 record(s)", "bad header");
        assertThat(reopen(NET)).containsExactlyElementsOf(all);
    }

    @Test
    void salvage_ofADamagedSnapshot_keepsTheRestOfTheSnapshotAndEveryLaterJournal() throws Exception {
        List<Reservation> all = new ArrayList<>();
        try (EmbeddedBackend b = EmbeddedBackend.open(dir, SUBNETS, CLOCK, 2048)) {
            for (int i = 0; i < 60; i++) {
                Reservation r = reservation(BIG, 10 + i);
                b.addReservation(r);
                all.add(r);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(dir.resolve(Journal.SNAPSHOT_FILE)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        Path snap = dir.resolve(Journal.SNAPSHOT_FILE);
        assertThat(snap).exists();
        flip(snap, 16 + 8 + 60); // inside the snapshot's first record
        assertThatThrownBy(() -> EmbeddedBackend.open(dir, SUBNETS, CLOCK)).isInstanceOf(StoreDamagedException.class)
                .hasMessageContaining(snap + " at byte 16");
        String out = dhcpStore("salvage");
        List<Reservation> kept = reopen(BIG);
        List<Reservation> lost = new ArrayList<>(all);
        lost.removeAll(kept);
        assertThat(lost).hasSize(1);
        assertThat(out).contains("kept " + kept.size() + " record(s)", lost.get(0).name() + " " + lost.get(0).ip());
        assertThat(dhcpStore("verify")).contains("ok: the store is not damaged");
    }

    @Test
    void verifyAndSalvage_refuseAStoreInUse() throws Exception {
        store(NET, 1);
        try (EmbeddedBackend running = EmbeddedBackend.open(dir, SUBNETS, CLOCK)) {
            assertThatThrownBy(() -> dhcpStore("verify")).hasMessageContaining("in use by a running bootproxy");
            assertThat(running.reservations(SUBNETS.get(0))).hasSize(1);
        }
    }

    // ------------------------------------------------------------------ dhcp-config is read-only

    @Test
    void dhcpConfig_onADamagedStore_failsAndChangesNoByte() throws Exception {
        store(NET, 10);
        flip(onlyJournal(), 16 + 8 + 5);
        Map<String, String> before = contents();
        Map<String, Object> args = new HashMap<>();
        args.put("format", "isc");
        args.put("http_port", 8000);
        args.put("https_port", 8443);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThatThrownBy(() -> new DhcpConfigCommand().run(new Namespace(args), config(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .isInstanceOf(StoreDamagedException.class).hasMessageContaining("at byte 16");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void dhcpConfig_neverCutsATornTail() throws Exception {
        store(NET, 3);
        Files.write(onlyJournal(), new byte[] {0, 0, 1, 0, 1, 2}, StandardOpenOption.APPEND);
        Map<String, String> before = contents();
        Map<String, Object> args = new HashMap<>();
        args.put("format", "isc");
        args.put("http_port", 8000);
        args.put("https_port", 8443);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DhcpConfigCommand().run(new Namespace(args), config(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("fixed-address 192.0.2.12;");
        assertThat(contents()).isEqualTo(before);
    }
}
