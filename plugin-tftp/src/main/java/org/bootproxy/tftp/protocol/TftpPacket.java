package org.bootproxy.tftp.protocol;

/**
 * A TFTP packet (RFC 1350, options per RFC 2347). Immutable values; {@link TftpCodec} turns them
 * into bytes and back. The server's hot path writes DATA headers directly
 * ({@link TftpCodec#putDataHeader}) instead of building {@link Data} values.
 */
public sealed interface TftpPacket
        permits TftpPacket.Request, TftpPacket.Data, TftpPacket.Ack,
        TftpPacket.ErrorPacket, TftpPacket.OptionAck {

    /** The packet's opcode. */
    Opcode opcode();

    /** RRQ and WRQ share their shape: file name, mode, options in the order sent. */
    sealed interface Request extends TftpPacket permits ReadRequest, WriteRequest {
        String filename();

        TransferMode mode();

        Options options();
    }

    /** RRQ (opcode 1). */
    record ReadRequest(String filename, TransferMode mode, Options options) implements Request {
        public ReadRequest {
            requireText(filename, "filename");
            java.util.Objects.requireNonNull(mode, "mode");
            java.util.Objects.requireNonNull(options, "options");
        }

        @Override
        public Opcode opcode() {
            return Opcode.RRQ;
        }
    }

    /** WRQ (opcode 2); bootproxy refuses it, but decodes it to say so. */
    record WriteRequest(String filename, TransferMode mode, Options options) implements Request {
        public WriteRequest {
            requireText(filename, "filename");
            java.util.Objects.requireNonNull(mode, "mode");
            java.util.Objects.requireNonNull(options, "options");
        }

        @Override
        public Opcode opcode() {
            return Opcode.WRQ;
        }
    }

    /**
     * DATA (opcode 3).
     *
     * @param block the 16-bit block number on the wire (0..65535)
     * @param payload the data; at most {@link TftpCodec#MAX_BLKSIZE} bytes. Copied, so the record
     *     stays immutable.
     */
    record Data(int block, byte[] payload) implements TftpPacket {
        public Data {
            requireBlock(block);
            if (payload.length > TftpCodec.MAX_BLKSIZE) {
                throw new IllegalArgumentException("DATA payload of " + payload.length + " bytes exceeds "
                        + TftpCodec.MAX_BLKSIZE);
            }
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public Opcode opcode() {
            return Opcode.DATA;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && d.block == block && java.util.Arrays.equals(d.payload, payload);
        }

        @Override
        public int hashCode() {
            return 31 * block + java.util.Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Data[block=" + block + ", " + payload.length + " bytes]";
        }
    }

    /** ACK (opcode 4) of a 16-bit block number. */
    record Ack(int block) implements TftpPacket {
        public Ack {
            requireBlock(block);
        }

        @Override
        public Opcode opcode() {
            return Opcode.ACK;
        }
    }

    /**
     * ERROR (opcode 5).
     *
     * @param code the error code as sent (0..65535; {@link ErrorCode} names 0..8)
     * @param message human-readable text, without NUL
     */
    record ErrorPacket(int code, String message) implements TftpPacket {
        public ErrorPacket {
            if (code < 0 || code > 0xFFFF) {
                throw new IllegalArgumentException("error code " + code + " out of range 0..65535");
            }
            java.util.Objects.requireNonNull(message, "message");
            if (message.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("error message contains NUL");
            }
        }

        public ErrorPacket(ErrorCode code, String message) {
            this(code.code(), message);
        }

        @Override
        public Opcode opcode() {
            return Opcode.ERROR;
        }
    }

    /** OACK (opcode 6, RFC 2347): the options the server accepted, with their values. */
    record OptionAck(Options options) implements TftpPacket {
        public OptionAck {
            java.util.Objects.requireNonNull(options, "options");
            if (options.isEmpty()) {
                throw new IllegalArgumentException("an OACK carries at least one option");
            }
        }

        @Override
        public Opcode opcode() {
            return Opcode.OACK;
        }
    }

    private static void requireBlock(int block) {
        if (block < 0 || block > 0xFFFF) {
            throw new IllegalArgumentException("block number " + block + " out of range 0..65535");
        }
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains NUL");
        }
    }
}
