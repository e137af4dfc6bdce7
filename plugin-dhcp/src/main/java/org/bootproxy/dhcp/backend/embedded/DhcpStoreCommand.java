package org.bootproxy.dhcp.backend.embedded;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.spi.PluginCommand;
import org.bootproxy.spi.files.AtomicFiles;

/**
 * {@code bootproxy dhcp-store verify|salvage <config.yml>}: checks and recovers the embedded store
 * in {@code plugins.dhcp.state_dir}, while bootproxy does not run on it (the command takes the
 * directory's lock).
 *
 * <ul>
 *   <li>{@code verify} reads every file frame by frame ({@link StoreScan}), prints what each holds
 *       and every damaged region (file, byte range, reason, the records it probably held), and
 *       fails (non-zero exit) when there is damage. It never changes a file. A torn tail alone is
 *       no damage: the next start cuts it off.</li>
 *   <li>{@code salvage} does nothing to an undamaged store. Otherwise it keeps every frame that
 *       verifies, in order (after each damaged region it resumes at the next frame that
 *       verifies), writes them as one new journal, moves every old file into
 *       {@code damaged-<UTC time>/} in the state directory, and prints exactly what was lost: each
 *       damaged region with the records it probably held, and the torn tail if any. The new
 *       journal is written (atomically) before anything is moved, so a crash during salvage
 *       leaves either the damaged store (the plugin still refuses to start) or the salvaged one.</li>
 * </ul>
 */
public final class DhcpStoreCommand implements PluginCommand<DhcpConfig> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    @Override
    public String name() {
        return "dhcp-store";
    }

    @Override
    public String description() {
        return "Verify the embedded DHCP store (read-only), or salvage every record that verifies from a damaged one";
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("verify", "salvage")
                .help("verify: report damage, exit non-zero if any; salvage: keep what verifies, move the damaged"
                        + " files aside");
    }

    @Override
    public void run(Namespace ns, DhcpConfig config, PrintStream out) throws Exception {
        Path dir = config.getStateDir();
        if (!"embedded".equals(config.getProvider())) {
            throw new IllegalArgumentException("dhcp-store: plugins.dhcp.provider is " + config.getProvider()
                    + ", not embedded: there is no embedded store to check");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("dhcp-store: state_dir " + dir + " does not exist");
        }
        boolean salvage = "salvage".equals(ns.getString("action"));
        try (Closeable held = Journal.lockForCommand(dir)) {
            Scan scan = scan(dir);
            scan.print(out);
            if (!scan.damaged()) {
                out.println(salvage ? "nothing to salvage: the store is not damaged" : "ok: the store is not damaged");
                out.flush();
                return;
            }
            if (!salvage) {
                out.flush();
                throw new IllegalStateException("dhcp-store verify: " + dir + " is damaged (" + scan.regions()
                        + " region(s)); the dhcp plugin will not start until 'bootproxy dhcp-store salvage' has run");
            }
            salvage(dir, scan, out);
        }
    }

    /** Every store file of the directory, scanned in salvage mode (all damage, nothing changed). */
    private record Scan(Path dir, StoreScan.FileScan snapshot, List<StoreScan.FileScan> journals, List<Long> obsolete,
                        long maxGeneration) {

        boolean damaged() {
            return regions() > 0;
        }

        int regions() {
            int n = snapshot == null ? 0 : snapshot.damage().size();
            for (StoreScan.FileScan j : journals) {
                n += j.damage().size();
            }
            return n;
        }

        List<StoreScan.FileScan> files() {
            List<StoreScan.FileScan> all = new ArrayList<>();
            if (snapshot != null) {
                all.add(snapshot);
            }
            all.addAll(journals);
            return all;
        }

        void print(PrintStream out) {
            out.println("DHCP store " + dir);
            for (StoreScan.FileScan f : files()) {
                out.println("  " + f.file().getFileName() + ": " + f.size() + " bytes, " + f.frames().size()
                        + " record(s) verify" + (f.damaged() ? ", DAMAGED" : ""));
                for (StoreScan.Damage d : f.damage()) {
                    out.println("    damaged bytes " + d.offset() + ".." + d.end() + " (" + (d.end() - d.offset())
                            + " bytes): " + d.reason());
                    for (String lost : d.probablyLost()) {
                        out.println("      probably held: " + lost);
                    }
                }
                if (f.tornAt() >= 0) {
                    out.println("    torn tail at byte " + f.tornAt() + " (" + (f.size() - f.tornAt()) + " bytes): a"
                            + " write a crash cut short before it was acknowledged; the next start cuts it off");
                }
                if (f.tornHeader()) {
                    out.println("    torn header: created just before a crash, holds nothing");
                }
            }
            for (long g : obsolete) {
                out.println("  " + Journal.journalPath(dir, g).getFileName() + ": older than the snapshot, not used");
            }
        }
    }

    static Scan scan(Path dir) throws IOException {
        Path snap = dir.resolve(Journal.SNAPSHOT_FILE);
        StoreScan.FileScan snapshot = Files.exists(snap) ? StoreScan.snapshot(snap, true) : null;
        long snapGen = snapshot == null || snapshot.generation() < 0 ? 0 : snapshot.generation();
        List<Long> gens = Journal.journalGenerations(dir);
        List<Long> live = new ArrayList<>();
        List<Long> obsolete = new ArrayList<>();
        for (long g : gens) {
            (g < snapGen ? obsolete : live).add(g);
        }
        List<StoreScan.FileScan> journals = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            journals.add(StoreScan.journal(Journal.journalPath(dir, live.get(i)), live.get(i), i == live.size() - 1,
                    true));
        }
        long max = snapGen;
        for (long g : gens) {
            max = Math.max(max, g);
        }
        return new Scan(dir, snapshot, journals, obsolete, max);
    }

    private static void salvage(Path dir, Scan scan, PrintStream out) throws IOException {
        long gen = scan.maxGeneration() + 1;
        Path fresh = Journal.journalPath(dir, gen);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(Journal.header(gen));
        int kept = 0;
        CRC32C crc = new CRC32C();
        for (StoreScan.FileScan f : scan.files()) {
            for (StoreScan.Frame frame : f.frames()) {
                byte[] payload = frame.record().encode();
                crc.reset();
                crc.update(payload);
                bytes.write(ByteBuffer.allocate(StoreScan.FRAME_HEADER_BYTES).putInt(payload.length)
                        .putInt((int) crc.getValue()).array());
                bytes.write(payload);
                kept++;
            }
        }
        // first the salvaged journal (newest generation, so it replays last and wins), then the old files go
        AtomicFiles.write(fresh, bytes.toByteArray());
        Path aside = dir.resolve("damaged-" + STAMP.format(Instant.now()));
        Files.createDirectories(aside);
        List<Path> moved = new ArrayList<>();
        for (StoreScan.FileScan f : scan.files()) {
            moved.add(f.file());
        }
        for (long g : scan.obsolete()) {
            moved.add(Journal.journalPath(dir, g));
        }
        for (Path p : moved) {
            Files.move(p, aside.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        Journal.fsyncDirectory(dir);
        out.println("salvaged: kept " + kept + " record(s) in " + fresh.getFileName() + "; moved " + moved.size()
                + " damaged or replaced file(s) to " + aside);
        out.println("lost:");
        for (StoreScan.FileScan f : scan.files()) {
            for (StoreScan.Damage d : f.damage()) {
                out.println("  " + f.file().getFileName() + " bytes " + d.offset() + ".." + d.end() + ": " + d.reason()
                        + (d.probablyLost().isEmpty() ? " (no record recognizable in it)" : ""));
                for (String lost : d.probablyLost()) {
                    out.println("    " + lost);
                }
            }
            if (f.tornAt() >= 0) {
                out.println("  " + f.file().getFileName() + " torn tail of " + (f.size() - f.tornAt())
                        + " bytes (never acknowledged)");
            }
        }
        out.println("Check the reservations above against the orchestrator (Foreman) and re-create any it still"
                + " has; then start bootproxy.");
        out.flush();
    }
}
