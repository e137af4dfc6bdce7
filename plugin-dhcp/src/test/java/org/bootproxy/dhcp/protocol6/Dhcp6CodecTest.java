package org.bootproxy.dhcp.protocol6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.util.HexFormat;
import java.util.List;
import org.bootproxy.dhcp.protocol.MalformedPacketException;
import org.bootproxy.spi.net.Ipv6Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Dhcp6CodecTest {

    static final HexFormat HEX = HexFormat.of();

    /**
     * A SOLICIT as OVMF's HTTP boot sends it (structure from RFC 8415 and 5970): xid 0x0a0b0c,
     * Client ID DUID-LLT of 52:54:00:12:34:56, IA_NA iaid 1 with no address, ORO [59, 23],
     * Elapsed Time 0, Client Arch 16, Vendor Class 343 "HTTPClient:Arch:00016:UNDI:003001".
     */
    static final String SOLICIT_HEX = "010a0b0c"
            + "0001000e" + "0001000100000000525400123456"
            + "0003000c" + "00000001" + "00000000" + "00000000"
            + "00060004" + "003b0017"
            + "00080002" + "0000"
            + "003d0002" + "0010"
            + "00100027" + "00000157" + "0021" + HEX.formatHex("HTTPClient:Arch:00016:UNDI:003001".getBytes());

    @Test
    void decode_readsAnOvmfStyleSolicit() throws Exception {
        Dhcp6Message m = Dhcp6Codec.decode(HEX.parseHex(SOLICIT_HEX));

        assertThat(m).isInstanceOf(Dhcp6Message.ClientServer.class);
        Dhcp6Message.ClientServer c = (Dhcp6Message.ClientServer) m;
        assertThat(c.type()).isEqualTo(Dhcp6MessageType.SOLICIT);
        assertThat(c.transactionId()).isEqualTo(0x0a0b0c);
        Dhcp6Options o = c.options();
        assertThat(o.clientId().orElseThrow().mac()).isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
        assertThat(o.iaNas()).singleElement().satisfies(ia -> {
            assertThat(ia.iaid()).isEqualTo(1);
            assertThat(ia.addresses()).isEmpty();
        });
        assertThat(o.requestedOptions()).containsExactly(59, 23);
        assertThat(o.clientArchitectures()).containsExactly(16);
        assertThat(o.vendorClass().orElseThrow().enterprise()).isEqualTo(343);
        assertThat(o.vendorClass().orElseThrow().first()).isEqualTo("HTTPClient:Arch:00016:UNDI:003001");
    }

    @Test
    void encode_roundTripsToTheSameBytes() throws Exception {
        byte[] wire = HEX.parseHex(SOLICIT_HEX);
        assertThat(HEX.formatHex(Dhcp6Codec.encode(Dhcp6Codec.decode(wire)))).isEqualTo(SOLICIT_HEX);
    }

    @Test
    void encode_relayReplyWithInterfaceIdAndRelayMessage() throws Exception {
        Inet6Address link = Ipv6Network.parseAddress("2001:db8:1::1");
        Inet6Address peer = Ipv6Network.parseAddress("fe80::1");
        Dhcp6Message inner = new Dhcp6Message.ClientServer(Dhcp6MessageType.REPLY, 7, new Dhcp6Options(List.of()));
        Dhcp6Message relay = new Dhcp6Message.Relay(Dhcp6MessageType.RELAY_REPL, 0, link, peer, new Dhcp6Options(List.of(
                new Dhcp6Option(Dhcp6Option.INTERFACE_ID, new byte[] {'e', 't', 'h', '0'}),
                new Dhcp6Option(Dhcp6Option.RELAY_MSG, Dhcp6Codec.encode(inner)))));

        byte[] wire = Dhcp6Codec.encode(relay);

        assertThat(HEX.formatHex(wire)).isEqualTo("0d00" + "20010db8000100000000000000000001"
                + "fe800000000000000000000000000001" + "0012000465746830" + "00090004" + "07000007");
        Dhcp6Message.Relay back = (Dhcp6Message.Relay) Dhcp6Codec.decode(wire);
        assertThat(back.linkAddress()).isEqualTo(link);
        assertThat(Dhcp6Codec.inner(back)).isEqualTo(inner);
    }

    @Test
    void builders_putUefiVendorClassAtOffsetSix_andIaAddressLifetimes() throws Exception {
        Dhcp6Option vc = Dhcp6Options.vendorClass(343, "HTTPClient");
        assertThat(new String(vc.data(), 6, 10)).isEqualTo("HTTPClient");
        Inet6Address a = Ipv6Network.parseAddress("2001:db8::100");
        Dhcp6Option ia = Dhcp6Options.iaNa(5, 100, 160, List.of(Dhcp6Options.iaAddress(a, 200, 300)));
        Dhcp6Options.IaNa back = new Dhcp6Options(List.of(ia)).iaNas().get(0);
        assertThat(back.iaid()).isEqualTo(5);
        assertThat(back.t1()).isEqualTo(100);
        assertThat(back.t2()).isEqualTo(160);
        assertThat(back.addresses()).containsExactly(new Dhcp6Options.IaAddress(a, 200, 300));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "empty datagram, ''",
            "header cut short, 0100",
            "unknown message type 0, 00000001",
            "unknown message type 200, c8000001",
            "option header truncated, 01000001000100",
            "option longer than the datagram, 0100000100010010aabb",
            "relay header cut short, 0c00" + "20010db8000000000000000000000001",
    })
    void decode_refusesMalformedDatagrams(String what, String hex) {
        assertThatThrownBy(() -> Dhcp6Codec.decode(HEX.parseHex(hex))).isInstanceOf(MalformedPacketException.class)
                .hasMessageNotContaining("Index");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "DUID of one byte, 0001000101",
            "odd ORO, 0006000300173b",
            "IA_NA shorter than 12 bytes, 0003000400000001",
            "IAADDR shorter than 24 bytes, 0003001000000001000000000000000000050000",
            "vendor class item past the end, 0010000800000157000a4854",
            "odd client arch, 003d00010a",
    })
    void typedReaders_refuseOptionsThatDoNotFitTheirFormat(String what, String optionsHex) throws Exception {
        byte[] wire = HEX.parseHex("01000001" + optionsHex);
        Dhcp6Options o = Dhcp6Codec.decode(wire).options();
        assertThatThrownBy(() -> {
            o.clientId();
            o.requestedOptions();
            o.iaNas();
            o.vendorClass();
            o.clientArchitectures();
        }).isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void duid_givesTheMacOfLltAndLl_andNoneOfOtherTypes() {
        assertThat(Duid.parse("00:01:00:01:00:00:00:00:52:54:00:12:34:56").mac())
                .isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
        assertThat(Duid.linkLayer(MacAddress.parse("52:54:00:aa:bb:cc")).mac())
                .isEqualTo(MacAddress.parse("52:54:00:aa:bb:cc"));
        assertThat(Duid.parse("00:02:00:00:00:09:01:02").mac()).isNull();
        assertThat(Duid.parse("00:04:11:22:33:44:55:66:77:88:99:00:aa:bb:cc:dd:ee:ff").mac()).isNull();
    }
}
