package org.bootproxy.dhcp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DhcpCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    /** A DISCOVER as OVMF's HTTP boot sends it (fields abbreviated), written out byte by byte. */
    static byte[] goldenDiscover() {
        StringBuilder h = new StringBuilder();
        h.append("01010600"); // op, htype, hlen, hops
        h.append("12345678"); // xid
        h.append("0004").append("8000"); // secs 4, broadcast flag
        h.append("00000000".repeat(4)); // ciaddr yiaddr siaddr giaddr
        h.append("525400123456").append("00".repeat(10)); // chaddr
        h.append("00".repeat(64 + 128)); // sname, file
        h.append("63825363"); // cookie
        h.append("350101"); // 53 DISCOVER
        h.append("3c20").append(HEX.formatHex("HTTPClient:Arch:00016:UNDI:003000".getBytes()).substring(0, 64)); // 60 (32 bytes)
        h.append("5d020010"); // 93 arch 16
        h.append("5e03010300"); // 94 NDI
        h.append("3703010343"); // 55: 1, 3, 67
        h.append("4d0469505845"); // 77 "iPXE" plain form
        h.append("ff");
        return HEX.parseHex(h.toString());
    }

    @Test
    void decode_readsGoldenDiscover() throws Exception {
        DhcpMessage m = DhcpCodec.decode(goldenDiscover());
        assertThat(m.op()).isEqualTo(1);
        assertThat(m.xid()).isEqualTo(0x12345678);
        assertThat(m.secs()).isEqualTo(4);
        assertThat(m.broadcastFlag()).isTrue();
        assertThat(m.mac()).isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
        assertThat(m.type()).isEqualTo(MessageType.DISCOVER);
        assertThat(m.options().vendorClass()).contains("HTTPClient:Arch:00016:UNDI:00300");
        assertThat(m.options().clientArchitectures()).containsExactly(16);
        assertThat(m.options().requested(OptionCode.BOOTFILE_NAME)).isTrue();
        assertThat(m.options().requested(OptionCode.DOMAIN_NAME)).isFalse();
        assertThat(m.options().userClasses()).containsExactly("iPXE");
        assertThat(m.options().codes()).containsExactly(53, 60, 93, 94, 55, 77);
    }

    @Test
    void encode_writesGoldenOffer() {
        byte[] chaddr = new byte[16];
        System.arraycopy(MacAddress.parse("52:54:00:12:34:56").octets(), 0, chaddr, 0, 6);
        DhcpOptions o = DhcpOptions.builder()
                .putAddress(OptionCode.SERVER_ID, Ipv4Address.parse("192.0.2.1"))
                .messageType(MessageType.OFFER)
                .putUint32(OptionCode.LEASE_TIME, 3600)
                .putString(OptionCode.VENDOR_CLASS, "HTTPClient")
                .put(OptionCode.IPXE_ENCAP, new byte[] {(byte) 176, 1, 1})
                .build();
        DhcpMessage m = new DhcpMessage(2, 1, 6, 0, 0x12345678, 0, 0x8000, DhcpMessage.ZERO,
                Ipv4Address.parse("192.0.2.100"), Ipv4Address.parse("192.0.2.1"), DhcpMessage.ZERO, chaddr, "",
                "pxelinux.0", o);
        byte[] bytes = DhcpCodec.encode(m);
        String expectedOptions = "63825363" + "350102" + "3604c0000201" + "3304" + "00000e10"
                + "3c0a" + HEX.formatHex("HTTPClient".getBytes()) + "af03b00101" + "ff";
        assertThat(bytes.length).isEqualTo(300);
        assertThat(HEX.formatHex(bytes, 0, 28)).isEqualTo("02010600" + "12345678" + "0000" + "8000" + "00000000"
                + "c0000264" + "c0000201" + "00000000");
        assertThat(HEX.formatHex(bytes, 28, 34)).isEqualTo("525400123456");
        assertThat(new String(bytes, 108, 10)).isEqualTo("pxelinux.0");
        assertThat(bytes[118]).isZero();
        assertThat(HEX.formatHex(bytes, 236, 236 + expectedOptions.length() / 2)).isEqualTo(expectedOptions);
        assertThat(HEX.formatHex(bytes, 236 + expectedOptions.length() / 2, 300)).matches("(00)*");
    }

    @Test
    void roundTrip_preservesEveryField() throws Exception {
        DhcpMessage m = DhcpCodec.decode(goldenDiscover());
        assertThat(DhcpCodec.decode(DhcpCodec.encode(m))).isEqualTo(m);
        DhcpMessage reply = m.reply(Ipv4Address.parse("192.0.2.9"), Ipv4Address.parse("192.0.2.1"), "grub2/grubx64.efi",
                DhcpOptions.builder().messageType(MessageType.ACK)
                        .putAddresses(OptionCode.ROUTERS, List.of(Ipv4Address.parse("192.0.2.1"), Ipv4Address.parse("192.0.2.2")))
                        .putString(OptionCode.BOOTFILE_NAME, "x".repeat(300)) // > 255: split per RFC 3396
                        .userClassesRfc3004(List.of("iPXE", "foo"))
                        .build());
        DhcpMessage back = DhcpCodec.decode(DhcpCodec.encode(reply));
        assertThat(back).isEqualTo(reply);
        assertThat(back.options().string(OptionCode.BOOTFILE_NAME)).contains("x".repeat(300));
        assertThat(back.options().addresses(OptionCode.ROUTERS)).hasSize(2);
        assertThat(back.options().userClasses()).containsExactly("iPXE", "foo");
    }

    @Test
    void decode_concatenatesSplitOptions_rfc3396() throws Exception {
        byte[] b = withOptions("350101" + "0c03616263" + "0c026465" + "ff");
        assertThat(DhcpCodec.decode(b).options().string(OptionCode.HOST_NAME)).contains("abcde");
    }

    @Test
    void decode_acceptsMissingEndWhenOptionsFillThePacket() throws Exception {
        assertThat(DhcpCodec.decode(withOptions("350103")).type()).isEqualTo(MessageType.REQUEST);
    }

    @Test
    void userClass_rfc3004AndPlainForms() throws Exception {
        assertThat(DhcpCodec.decode(withOptions("350101" + "4d0a04695058450466726f67" + "ff")).options().userClasses())
                .containsExactly("iPXE", "frog");
        // a length byte that does not fit: the whole value is one plain string
        assertThat(DhcpCodec.decode(withOptions("350101" + "4d03056162" + "ff")).options().userClasses())
                .containsExactly("\u0005ab");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty", (Consumer<byte[][]>) p -> p[0] = new byte[0], "shorter than the 240-byte"),
                Arguments.of("header only", (Consumer<byte[][]>) p -> p[0] = new byte[239], "shorter than the 240-byte"),
                Arguments.of("bad op", (Consumer<byte[][]>) p -> p[0][0] = 3, "op 3"),
                Arguments.of("hlen 17", (Consumer<byte[][]>) p -> p[0][2] = 17, "hlen 17"),
                Arguments.of("bad cookie", (Consumer<byte[][]>) p -> p[0][236] = 0x64, "magic cookie"),
                Arguments.of("option past end", (Consumer<byte[][]>) p -> p[0] = withOptions("3501013c20414243"), "runs past the end"),
                Arguments.of("no length byte", (Consumer<byte[][]>) p -> p[0] = withOptions("3c"), "no length byte"),
                Arguments.of("type length 2", (Consumer<byte[][]>) p -> p[0] = withOptions("35020101ff"), "option 53 has invalid length 2"),
                Arguments.of("requested ip 3 bytes", (Consumer<byte[][]>) p -> p[0] = withOptions("350101" + "3203c00002ff"), "option 50 has invalid length 3"),
                Arguments.of("odd arch", (Consumer<byte[][]>) p -> p[0] = withOptions("350101" + "5d0300" + "0700ff"), "option 93 has invalid length 3"),
                Arguments.of("client id 1 byte", (Consumer<byte[][]>) p -> p[0] = withOptions("350101" + "3d0101ff"), "option 61 has invalid length 1"),
                Arguments.of("empty vendor class", (Consumer<byte[][]>) p -> p[0] = withOptions("350101" + "3c00ff"), "option 60 has invalid length 0"),
                Arguments.of("garbage after options", (Consumer<byte[][]>) p -> p[0] = withOptions("3501010c"), "no length byte"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void decode_rejectsMalformed(String name, Consumer<byte[][]> mutate, String message) {
        byte[][] p = {goldenDiscover()};
        mutate.accept(p);
        assertThatThrownBy(() -> DhcpCodec.decode(p[0])).isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining(message);
    }

    @Test
    void decode_neverThrowsAnythingElseOnRandomBytes() {
        java.util.Random r = new java.util.Random(42);
        byte[] base = goldenDiscover();
        for (int i = 0; i < 20_000; i++) {
            byte[] b = java.util.Arrays.copyOf(base, r.nextInt(base.length + 20));
            for (int k = 0; k < 4; k++) {
                if (b.length > 0) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt();
                }
            }
            try {
                DhcpMessage m = DhcpCodec.decode(b);
                m.options().userClasses();
                m.options().clientArchitectures();
                DhcpCodec.encode(m);
            } catch (MalformedPacketException expected) {
                // fine: that is the only allowed failure
            }
        }
    }

    /** The golden header with the given options (hex, after the cookie). */
    static byte[] withOptions(String hex) {
        byte[] head = java.util.Arrays.copyOf(goldenDiscover(), 240);
        byte[] opts = HEX.parseHex(hex);
        byte[] b = java.util.Arrays.copyOf(head, 240 + opts.length);
        System.arraycopy(opts, 0, b, 240, opts.length);
        return b;
    }
}
