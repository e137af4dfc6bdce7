package org.bootproxy.tftp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.bootproxy.tftp.protocol.TftpPacket.Ack;
import org.bootproxy.tftp.protocol.TftpPacket.Data;
import org.bootproxy.tftp.protocol.TftpPacket.ErrorPacket;
import org.bootproxy.tftp.protocol.TftpPacket.OptionAck;
import org.bootproxy.tftp.protocol.TftpPacket.ReadRequest;
import org.bootproxy.tftp.protocol.TftpPacket.WriteRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TftpCodecTest {

    /** Text with NULs written as '|', then encoded to bytes. */
    private static byte[] z(String s) {
        return s.replace('|', '\0').getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static TftpPacket decode(byte[] b) throws MalformedPacketException {
        return TftpCodec.decode(ByteBuffer.wrap(b));
    }

    // ---------------------------------------------------------------- golden bytes

    @Test
    void decode_readRequestWithOptions_asEdk2SendsIt() throws Exception {
        byte[] wire = cat(hex("0001"), z("grub2/grubx64.efi|octet|blksize|1468|tsize|0|"));
        TftpPacket p = decode(wire);
        assertThat(p).isEqualTo(new ReadRequest("grub2/grubx64.efi", TransferMode.OCTET,
                Options.of("blksize", "1468", "tsize", "0")));
        assertThat(TftpCodec.encode(p)).isEqualTo(wire);
    }

    @Test
    void decode_modeIsCaseInsensitive() throws Exception {
        ReadRequest r = (ReadRequest) decode(cat(hex("0001"), z("pxelinux.0|NetASCII|")));
        assertThat(r.mode()).isEqualTo(TransferMode.NETASCII);
        assertThat(r.options().isEmpty()).isTrue();
    }

    @Test
    void golden_ack() throws Exception {
        assertThat(TftpCodec.encode(new Ack(0x1234))).isEqualTo(hex("0004 1234"));
        assertThat(decode(hex("0004 ffff"))).isEqualTo(new Ack(65535));
    }

    @Test
    void golden_data() throws Exception {
        byte[] wire = hex("0003 0001 414243");
        assertThat(decode(wire)).isEqualTo(new Data(1, new byte[] {'A', 'B', 'C'}));
        assertThat(TftpCodec.encode(new Data(1, new byte[] {'A', 'B', 'C'}))).isEqualTo(wire);
        assertThat(decode(hex("0003 0000"))).isEqualTo(new Data(0, new byte[0]));
    }

    @Test
    void golden_error() throws Exception {
        byte[] wire = cat(hex("0005 0001"), z("File not found|"));
        assertThat(TftpCodec.encode(new ErrorPacket(ErrorCode.FILE_NOT_FOUND, "File not found"))).isEqualTo(wire);
        assertThat(decode(wire)).isEqualTo(new ErrorPacket(1, "File not found"));
    }

    @Test
    void golden_oack() throws Exception {
        byte[] wire = cat(hex("0006"), z("blksize|1468|windowsize|16|"));
        OptionAck o = new OptionAck(Options.of("blksize", "1468", "windowsize", "16"));
        assertThat(TftpCodec.encode(o)).isEqualTo(wire);
        assertThat(decode(wire)).isEqualTo(o);
    }

    @Test
    void putDataHeader_writesTheLow16BitsOfTheBlock() {
        ByteBuffer b = ByteBuffer.allocate(4);
        TftpCodec.putDataHeader(b, 65535);
        assertThat(b.array()).isEqualTo(hex("0003 ffff"));
    }

    @Test
    void decode_leavesBufferPositionAlone_andHonoursPosition() throws Exception {
        ByteBuffer b = ByteBuffer.wrap(hex("ffff 0004 0007"));
        b.position(2);
        assertThat(TftpCodec.decode(b)).isEqualTo(new Ack(7));
        assertThat(b.position()).isEqualTo(2);
    }

    @Test
    void decode_optionLookupIsCaseInsensitive_firstWins() throws Exception {
        ReadRequest r = (ReadRequest) decode(cat(hex("0001"), z("f|octet|BLKSIZE|1024|blksize|512|")));
        assertThat(r.options().get("blksize")).contains("1024");
    }

    @Test
    void decode_utf8FileName() throws Exception {
        byte[] name = "dé/f".getBytes(StandardCharsets.UTF_8);
        ReadRequest r = (ReadRequest) decode(cat(hex("0001"), name, z("|octet|")));
        assertThat(r.filename()).isEqualTo("dé/f");
    }

    // ---------------------------------------------------------------- round trips

    static Stream<TftpPacket> packets() {
        return Stream.of(
                new ReadRequest("pxelinux.0", TransferMode.OCTET, Options.NONE),
                new ReadRequest("a/b", TransferMode.NETASCII, Options.of("timeout", "1", "windowsize", "64")),
                new WriteRequest("up", TransferMode.OCTET, Options.of("tsize", "99")),
                new Data(65535, new byte[512]),
                new Data(0, new byte[0]),
                new Ack(0),
                new ErrorPacket(ErrorCode.UNKNOWN_TID, "Unknown transfer ID"),
                new ErrorPacket(65535, ""),
                new OptionAck(Options.of("tsize", "123456789")));
    }

    @ParameterizedTest
    @MethodSource("packets")
    void roundTrip(TftpPacket p) throws Exception {
        byte[] wire = TftpCodec.encode(p);
        assertThat(wire).hasSize(TftpCodec.encodedLength(p));
        assertThat(decode(wire)).isEqualTo(p);
    }

    // ---------------------------------------------------------------- malformed

    static Stream<Arguments> malformed() {
        StringBuilder many = new StringBuilder("f|octet|");
        for (int i = 0; i <= TftpCodec.MAX_OPTIONS; i++) {
            many.append("x").append(i).append("|1|");
        }
        return Stream.of(
                Arguments.of("empty datagram", new byte[0], "no opcode"),
                Arguments.of("one byte", hex("00"), "no opcode"),
                Arguments.of("opcode 0", hex("0000"), "unknown opcode 0"),
                Arguments.of("opcode 7", hex("0007 0000"), "unknown opcode 7"),
                Arguments.of("opcode 0xffff", hex("ffff"), "unknown opcode 65535"),
                Arguments.of("RRQ without anything", hex("0001"), "filename is not NUL-terminated"),
                Arguments.of("RRQ filename without NUL", cat(hex("0001"), z("pxelinux.0")),
                        "filename is not NUL-terminated"),
                Arguments.of("RRQ without mode", cat(hex("0001"), z("pxelinux.0|")), "mode is not NUL-terminated"),
                Arguments.of("RRQ mode without NUL", cat(hex("0001"), z("pxelinux.0|octet")),
                        "mode is not NUL-terminated"),
                Arguments.of("RRQ empty filename", cat(hex("0001"), z("|octet|")), "empty filename"),
                Arguments.of("RRQ mail mode", cat(hex("0001"), z("f|mail|")), "unsupported mode 'mail'"),
                Arguments.of("RRQ garbage mode", cat(hex("0001"), z("f|\u0001x|")), "unsupported mode '\\x01x'"),
                Arguments.of("RRQ option without value", cat(hex("0001"), z("f|octet|blksize|")),
                        "option 'blksize' has no value"),
                Arguments.of("RRQ option value without NUL", cat(hex("0001"), z("f|octet|blksize|1468")),
                        "value of option 'blksize' is not NUL-terminated"),
                Arguments.of("RRQ empty option name", cat(hex("0001"), z("f|octet||1|")), "empty option name"),
                Arguments.of("RRQ too many options", cat(hex("0001"), z(many.toString())), "more than 32 options"),
                Arguments.of("WRQ truncated", cat(hex("0002"), z("f")), "WRQ: filename is not NUL-terminated"),
                Arguments.of("DATA truncated", hex("0003 00"), "DATA: truncated block number"),
                Arguments.of("DATA oversized", cat(hex("0003 0001"), new byte[TftpCodec.MAX_BLKSIZE + 1]),
                        "exceeds 65464"),
                Arguments.of("ACK truncated", hex("0004 01"), "ACK: truncated block number"),
                Arguments.of("ACK opcode only", hex("0004"), "ACK: truncated block number"),
                Arguments.of("ERROR truncated", hex("0005 00"), "ERROR: truncated error code"),
                Arguments.of("ERROR message without NUL", cat(hex("0005 0001"), z("oops")),
                        "ERROR: message is not NUL-terminated"),
                Arguments.of("OACK empty", hex("0006"), "OACK: no options"),
                Arguments.of("OACK option without value", cat(hex("0006"), z("tsize|")), "has no value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void decode_rejectsMalformed(String name, byte[] wire, String message) {
        assertThatThrownBy(() -> decode(wire))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("(" + wire.length + "-byte datagram)");
    }

    @Test
    void decode_neverThrowsAnythingButMalformed_onRandomBytes() {
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 20000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            if (b.length >= 2 && r.nextBoolean()) {
                b[0] = 0;
                b[1] = (byte) r.nextInt(8);
            }
            try {
                decode(b);
            } catch (MalformedPacketException expected) {
                // fine
            }
        }
    }

    @Test
    void records_validateTheirFields() {
        assertThatThrownBy(() -> new Ack(65536)).hasMessageContaining("block number 65536 out of range");
        assertThatThrownBy(() -> new Ack(-1)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new ReadRequest("", TransferMode.OCTET, Options.NONE))
                .hasMessageContaining("filename is empty");
        assertThatThrownBy(() -> new ErrorPacket(1, "a\0b")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> new OptionAck(Options.NONE)).hasMessageContaining("at least one option");
        assertThatThrownBy(() -> Options.of("blksize")).hasMessageContaining("pairs");
    }
}
