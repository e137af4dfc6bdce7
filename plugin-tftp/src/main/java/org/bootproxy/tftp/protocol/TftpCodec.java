package org.bootproxy.tftp.protocol;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bootproxy.tftp.protocol.TftpPacket.Ack;
import org.bootproxy.tftp.protocol.TftpPacket.Data;
import org.bootproxy.tftp.protocol.TftpPacket.ErrorPacket;
import org.bootproxy.tftp.protocol.TftpPacket.OptionAck;
import org.bootproxy.tftp.protocol.TftpPacket.Request;

/**
 * Encodes and decodes TFTP packets. Decoding is bounds-checked: anything that is not a valid
 * packet raises {@link MalformedPacketException}, never a runtime exception. Stateless and
 * thread-safe; no I/O and no transport types.
 *
 * <p>Strings: file names are decoded as UTF-8 (RFC 1350 says netascii; UTF-8 is its superset and
 * what Linux file names use), mode and option names/values as ISO-8859-1 (ASCII in practice).
 */
public final class TftpCodec {

    /** Largest blksize RFC 2348 allows. */
    public static final int MAX_BLKSIZE = 65464;
    /** Smallest blksize RFC 2348 allows. */
    public static final int MIN_BLKSIZE = 8;
    /** The RFC 1350 block size. */
    public static final int DEFAULT_BLKSIZE = 512;
    /** More options than this in one request is not a real client: malformed. */
    public static final int MAX_OPTIONS = 32;
    /** Bytes before a DATA payload: opcode and block number. */
    public static final int DATA_HEADER = 4;

    private TftpCodec() {
    }

    /**
     * Decodes the datagram between {@code buf}'s position and limit; the buffer's position is
     * left unchanged.
     */
    public static TftpPacket decode(ByteBuffer buf) throws MalformedPacketException {
        int start = buf.position();
        int len = buf.remaining();
        if (len < 2) {
            throw new MalformedPacketException("truncated: no opcode", len);
        }
        int opcode = buf.getShort(start) & 0xFFFF;
        switch (opcode) {
            case 1, 2 -> {
                return decodeRequest(buf, start, len, opcode == 1);
            }
            case 3 -> {
                if (len < 4) {
                    throw new MalformedPacketException("DATA: truncated block number", len);
                }
                int payload = len - 4;
                if (payload > MAX_BLKSIZE) {
                    throw new MalformedPacketException("DATA: payload of " + payload + " bytes exceeds " + MAX_BLKSIZE,
                            len);
                }
                byte[] data = new byte[payload];
                buf.get(start + 4, data);
                return new Data(buf.getShort(start + 2) & 0xFFFF, data);
            }
            case 4 -> {
                // RFC 1350 ACK is exactly 4 bytes; trailing bytes are tolerated (ignored)
                if (len < 4) {
                    throw new MalformedPacketException("ACK: truncated block number", len);
                }
                return new Ack(buf.getShort(start + 2) & 0xFFFF);
            }
            case 5 -> {
                if (len < 4) {
                    throw new MalformedPacketException("ERROR: truncated error code", len);
                }
                int[] pos = {start + 4};
                String msg = string(buf, pos, start + len, "ERROR: message", StandardCharsets.ISO_8859_1, len);
                return new ErrorPacket(buf.getShort(start + 2) & 0xFFFF, msg);
            }
            case 6 -> {
                int[] pos = {start + 2};
                Options options = options(buf, pos, start + len, "OACK", len);
                if (options.isEmpty()) {
                    throw new MalformedPacketException("OACK: no options", len);
                }
                return new OptionAck(options);
            }
            default -> throw new MalformedPacketException("unknown opcode " + opcode, len);
        }
    }

    private static Request decodeRequest(ByteBuffer buf, int start, int len, boolean read)
            throws MalformedPacketException {
        String what = read ? "RRQ" : "WRQ";
        int end = start + len;
        int[] pos = {start + 2};
        String filename = string(buf, pos, end, what + ": filename", StandardCharsets.UTF_8, len);
        if (filename.isEmpty()) {
            throw new MalformedPacketException(what + ": empty filename", len);
        }
        String modeText = string(buf, pos, end, what + ": mode", StandardCharsets.ISO_8859_1, len);
        TransferMode mode = TransferMode.parse(modeText).orElseThrow(() -> new MalformedPacketException(
                what + ": unsupported mode '" + printable(modeText) + "'", len));
        Options options = options(buf, pos, end, what, len);
        return read ? new TftpPacket.ReadRequest(filename, mode, options)
                : new TftpPacket.WriteRequest(filename, mode, options);
    }

    private static Options options(ByteBuffer buf, int[] pos, int end, String what, int len)
            throws MalformedPacketException {
        List<Options.Option> list = new ArrayList<>();
        while (pos[0] < end) {
            String name = string(buf, pos, end, what + ": option name", StandardCharsets.ISO_8859_1, len);
            if (name.isEmpty()) {
                throw new MalformedPacketException(what + ": empty option name", len);
            }
            if (pos[0] >= end) {
                throw new MalformedPacketException(what + ": option '" + printable(name) + "' has no value", len);
            }
            String value = string(buf, pos, end, what + ": value of option '" + printable(name) + "'",
                    StandardCharsets.ISO_8859_1, len);
            if (list.size() == MAX_OPTIONS) {
                throw new MalformedPacketException(what + ": more than " + MAX_OPTIONS + " options", len);
            }
            list.add(new Options.Option(name, value));
        }
        return list.isEmpty() ? Options.NONE : new Options(list);
    }

    /** Reads a NUL-terminated string at pos[0] and moves pos[0] past the NUL. */
    private static String string(ByteBuffer buf, int[] pos, int end, String what, java.nio.charset.Charset cs,
            int len) throws MalformedPacketException {
        int from = pos[0];
        for (int i = from; i < end; i++) {
            if (buf.get(i) == 0) {
                byte[] b = new byte[i - from];
                buf.get(from, b);
                pos[0] = i + 1;
                return new String(b, cs);
            }
        }
        throw new MalformedPacketException(what + " is not NUL-terminated", len);
    }

    /** The text with control characters escaped and cut at 64 characters, for messages. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > 64) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** The encoded length of a packet. */
    public static int encodedLength(TftpPacket p) {
        return switch (p.opcode()) {
            case RRQ, WRQ -> {
                Request r = (Request) p;
                yield 2 + utf8(r.filename()) + 1 + r.mode().wire().length() + 1 + optionsLength(r.options());
            }
            case DATA -> 4 + ((Data) p).payload().length;
            case ACK -> 4;
            case ERROR -> 4 + ((ErrorPacket) p).message().getBytes(StandardCharsets.ISO_8859_1).length + 1;
            case OACK -> 2 + optionsLength(((OptionAck) p).options());
        };
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int optionsLength(Options options) {
        int n = 0;
        for (Options.Option o : options.list()) {
            n += o.name().length() + 1 + o.value().length() + 1;
        }
        return n;
    }

    /**
     * Writes a packet at {@code dst}'s position and advances it.
     *
     * @throws BufferOverflowException when it does not fit
     */
    public static void encode(TftpPacket p, ByteBuffer dst) {
        dst.putShort((short) p.opcode().code());
        switch (p.opcode()) {
            case RRQ, WRQ -> request(dst, (Request) p);
            case DATA -> {
                Data d = (Data) p;
                dst.putShort((short) d.block());
                dst.put(d.payload());
            }
            case ACK -> dst.putShort((short) ((Ack) p).block());
            case ERROR -> {
                ErrorPacket e = (ErrorPacket) p;
                dst.putShort((short) e.code());
                cstring(dst, e.message().getBytes(StandardCharsets.ISO_8859_1));
            }
            case OACK -> putOptions(dst, ((OptionAck) p).options());
            default -> throw new AssertionError(p);
        }
    }

    /** Encodes a packet into a new array. */
    public static byte[] encode(TftpPacket p) {
        ByteBuffer b = ByteBuffer.allocate(encodedLength(p));
        encode(p, b);
        return b.array();
    }

    private static void request(ByteBuffer dst, Request r) {
        cstring(dst, r.filename().getBytes(StandardCharsets.UTF_8));
        cstring(dst, r.mode().wire().getBytes(StandardCharsets.ISO_8859_1));
        putOptions(dst, r.options());
    }

    private static void putOptions(ByteBuffer dst, Options options) {
        for (Options.Option o : options.list()) {
            cstring(dst, o.name().getBytes(StandardCharsets.ISO_8859_1));
            cstring(dst, o.value().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static void cstring(ByteBuffer dst, byte[] b) {
        dst.put(b);
        dst.put((byte) 0);
    }

    /** Writes the 4-byte DATA header for a 16-bit block number at {@code dst}'s position. */
    public static void putDataHeader(ByteBuffer dst, int block) {
        dst.putShort((short) Opcode.DATA.code());
        dst.putShort((short) block);
    }
}
