package org.bootproxy.dhcp.backend.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads one snapshot or journal file of the embedded store frame by frame, without changing it,
 * and classifies what does not verify. Shared by the store's recovery ({@link Journal}) and by
 * {@code bootproxy dhcp-store verify|salvage}, so both apply one rule:
 *
 * <ul>
 *   <li>A frame verifies when its length is 1..{@link Journal#MAX_RECORD_BYTES}, it lies inside
 *       the file, its CRC32C matches and its payload decodes as a {@link StoreRecord}.</li>
 *   <li>A <b>torn tail</b> is the only damage a crash can cause: in the <em>last</em> journal, a
 *       frame (or frame header, or the file header of a journal just created) that runs past the
 *       end of the file, with no frame that verifies after it. It was never acknowledged (its
 *       fsync did not complete), so recovery cuts it off.</li>
 *   <li>Anything else that does not verify — a bad header, a bad checksum, an impossible length, an
 *       unknown record type, a torn frame in an earlier journal or with valid frames after it — is
 *       <b>damage</b>: acknowledged data may be in it, so it is reported with the file, the byte
 *       offset and the reason, and never silently skipped.</li>
 * </ul>
 *
 * <p>In strict mode the scan stops at the first damage (recovery refuses to start). In salvage
 * mode it resumes at the next frame that verifies after each damaged region and describes what
 * the region probably held.
 */
final class StoreScan {

    static final byte[] JOURNAL_MAGIC = "BPJRNL01".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SNAPSHOT_MAGIC = "BPSNAP01".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = 16;
    static final int FRAME_HEADER_BYTES = 8;

    /** A frame that verified. */
    record Frame(long offset, int length, StoreRecord record) {
    }

    /**
     * A region that does not verify.
     *
     * @param offset where it starts
     * @param end where the next frame that verifies starts, or the file's size; -1 in strict mode
     * @param reason what is wrong at {@code offset}
     * @param probablyLost best-effort descriptions of the records the region seems to hold (their
     *     checksums fail, so the content may be wrong); empty when nothing is recognizable
     */
    record Damage(Path file, long offset, long end, String reason, List<String> probablyLost) {
    }

    /**
     * What one file holds.
     *
     * @param generation from the header, or -1 when the header is damaged or torn
     * @param tornAt offset of a torn tail to cut off, or -1
     * @param tornHeader a journal whose header never fully reached the disk (nothing in it)
     */
    record FileScan(Path file, long size, long generation, List<Frame> frames, List<Damage> damage, long tornAt,
                    boolean tornHeader) {

        boolean damaged() {
            return !damage.isEmpty();
        }
    }

    private StoreScan() {
    }

    /**
     * Scans journal {@code file} of generation {@code gen}.
     *
     * @param last whether it is the newest journal (the only one that may end in a torn tail)
     * @param salvage false: stop at the first damage; true: resume after each
     */
    static FileScan journal(Path file, long gen, boolean last, boolean salvage) throws IOException {
        ByteBuffer buf = map(file);
        int size = buf.limit();
        List<Frame> frames = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        byte[] expected = ByteBuffer.allocate(HEADER_BYTES).put(JOURNAL_MAGIC).putLong(gen).array();
        byte[] header = new byte[Math.min(size, HEADER_BYTES)];
        buf.get(0, header);
        if (size < HEADER_BYTES && last && Arrays.equals(header, Arrays.copyOf(expected, size))) {
            // created, but the crash came before its header was fsynced: nothing was acknowledged from it
            return new FileScan(file, size, gen, frames, damage, -1, true);
        }
        if (!Arrays.equals(header, expected)) {
            String reason = size < HEADER_BYTES ? "file of " + size + " bytes has no complete header"
                    : "bad header (expected " + new String(JOURNAL_MAGIC, StandardCharsets.US_ASCII)
                    + " and generation " + gen + ")";
            if (!damaged(file, buf, 0, reason, salvage, damage)) {
                return new FileScan(file, size, -1, frames, damage, -1, false);
            }
            long resume = damage.get(damage.size() - 1).end();
            return frames(file, buf, (int) resume, false, last, salvage, frames, damage, -1);
        }
        return frames(file, buf, HEADER_BYTES, false, last, salvage, frames, damage, gen);
    }

    /** Scans the snapshot {@code file} (which has no torn tail: it is only ever renamed into place complete). */
    static FileScan snapshot(Path file, boolean salvage) throws IOException {
        ByteBuffer buf = map(file);
        int size = buf.limit();
        List<Frame> frames = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        byte[] magic = new byte[Math.min(size, 8)];
        buf.get(0, magic);
        if (size < HEADER_BYTES || !Arrays.equals(magic, SNAPSHOT_MAGIC)) {
            if (!damaged(file, buf, 0, "bad header (expected " + new String(SNAPSHOT_MAGIC,
                    StandardCharsets.US_ASCII) + ")", salvage, damage)) {
                return new FileScan(file, size, -1, frames, damage, -1, false);
            }
            return frames(file, buf, (int) damage.get(0).end(), true, false, salvage, frames, damage, -1);
        }
        return frames(file, buf, HEADER_BYTES, true, false, salvage, frames, damage, buf.getLong(8));
    }

    private static FileScan frames(Path file, ByteBuffer buf, int start, boolean snapshot, boolean last,
                                   boolean salvage, List<Frame> frames, List<Damage> damage, long gen) {
        int size = buf.limit();
        int pos = start;
        long tornAt = -1;
        while (true) {
            int rem = size - pos;
            if (rem == 0) {
                if (snapshot) {
                    damaged(file, buf, pos, "ends without its terminator (truncated)", salvage, damage);
                }
                break;
            }
            String torn = null;
            String bad = null;
            int len = 0;
            if (rem < FRAME_HEADER_BYTES) {
                torn = "incomplete frame header (" + rem + " bytes at the end of the file)";
            } else {
                len = buf.getInt(pos);
                int crc = buf.getInt(pos + 4);
                if (snapshot && len == 0) {
                    if (crc != frames.size() && damage.isEmpty()) {
                        bad = "terminator says " + crc + " records, " + frames.size() + " were read";
                    } else if (pos + FRAME_HEADER_BYTES != size) {
                        bad = (size - pos - FRAME_HEADER_BYTES) + " bytes after the terminator";
                        pos += FRAME_HEADER_BYTES;
                    } else {
                        break; // complete
                    }
                } else if (len != 0 && Integer.toUnsignedLong(len) > rem - FRAME_HEADER_BYTES) {
                    torn = "frame of " + Integer.toUnsignedString(len) + " bytes runs past the end of the file";
                } else if (len <= 0 || len > Journal.MAX_RECORD_BYTES) {
                    bad = "impossible frame length " + len;
                } else if (crc32c(buf, pos + FRAME_HEADER_BYTES, len) != crc) {
                    bad = "checksum mismatch in a frame of " + len + " bytes";
                } else {
                    try {
                        frames.add(new Frame(pos, len, StoreRecord.decode(payload(buf, pos + FRAME_HEADER_BYTES,
                                len))));
                        pos += FRAME_HEADER_BYTES + len;
                        continue;
                    } catch (IOException e) {
                        bad = "unreadable record: " + e.getMessage();
                    }
                }
            }
            if (torn != null) {
                int next = nextValid(buf, pos + 1);
                if (!snapshot && last && next < 0) {
                    tornAt = pos;
                    break;
                }
                bad = torn + (snapshot ? "" : next >= 0 ? " but a valid record follows at byte " + next
                        : " in a journal that is not the newest");
            }
            if (!damaged(file, buf, pos, bad, salvage, damage)) {
                break;
            }
            long end = damage.get(damage.size() - 1).end();
            if (end >= size) {
                break;
            }
            pos = (int) end;
        }
        return new FileScan(file, size, gen, frames, damage, tornAt, false);
    }

    /** Records damage at {@code pos}; returns whether the scan goes on (salvage mode). */
    private static boolean damaged(Path file, ByteBuffer buf, int pos, String reason, boolean salvage,
                                   List<Damage> damage) {
        if (!salvage) {
            damage.add(new Damage(file, pos, -1, reason, List.of()));
            return false;
        }
        int next = nextValid(buf, pos + 1);
        int end = next < 0 ? buf.limit() : next;
        damage.add(new Damage(file, pos, end, reason, describe(buf, pos, end)));
        return true;
    }

    /** What the frames of a damaged region seem to be, read by their length fields, checksums ignored. */
    private static List<String> describe(ByteBuffer buf, int from, int end) {
        List<String> out = new ArrayList<>();
        int p = from;
        while (end - p >= FRAME_HEADER_BYTES) {
            int len = buf.getInt(p);
            if (len <= 0 || len > end - p - FRAME_HEADER_BYTES) {
                break;
            }
            try {
                out.add(StoreRecord.decode(payload(buf, p + FRAME_HEADER_BYTES, len)).describe());
            } catch (IOException e) {
                out.add("an unreadable record of " + len + " bytes at byte " + p);
            }
            p += FRAME_HEADER_BYTES + len;
        }
        if (p < end) {
            out.add((end - p) + " unreadable bytes at byte " + p);
        }
        return out;
    }

    /** The offset of the first frame at or after {@code from} that verifies, or -1. */
    static int nextValid(ByteBuffer buf, int from) {
        int size = buf.limit();
        for (int p = Math.max(from, 0); p <= size - FRAME_HEADER_BYTES - 1; p++) {
            int len = buf.getInt(p);
            if (len <= 0 || len > Journal.MAX_RECORD_BYTES || len > size - p - FRAME_HEADER_BYTES) {
                continue;
            }
            if (crc32c(buf, p + FRAME_HEADER_BYTES, len) != buf.getInt(p + 4)) {
                continue;
            }
            try {
                StoreRecord.decode(payload(buf, p + FRAME_HEADER_BYTES, len));
                return p;
            } catch (IOException e) {
                // a checksum that matches by chance over bytes that are no record: keep looking
            }
        }
        return -1;
    }

    static byte[] payload(ByteBuffer buf, int at, int len) {
        byte[] b = new byte[len];
        buf.get(at, b);
        return b;
    }

    private static int crc32c(ByteBuffer buf, int at, int len) {
        CRC32C c = new CRC32C();
        c.update(buf.slice(at, len));
        return (int) c.getValue();
    }

    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(file + " is " + size + " bytes, larger than any store file can be");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }
}
