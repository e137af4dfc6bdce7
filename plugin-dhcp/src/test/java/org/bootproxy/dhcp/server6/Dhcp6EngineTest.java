package org.bootproxy.dhcp.server6;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.model.Lease6;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet6;
import org.bootproxy.dhcp.protocol6.Dhcp6Codec;
import org.bootproxy.dhcp.protocol6.Dhcp6Message;
import org.bootproxy.dhcp.protocol6.Dhcp6MessageType;
import org.bootproxy.dhcp.protocol6.Dhcp6Option;
import org.bootproxy.dhcp.protocol6.Dhcp6Options;
import org.bootproxy.dhcp.protocol6.Duid;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.Ipv6Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;

class Dhcp6EngineTest {

    static final Inet6Address SERVER = v6("2001:db8:e2e::1");
    static final Subnet6 SUBNET = new Subnet6(Ipv6Network.parse("2001:db8:e2e::/64"), v6("2001:db8:e2e::100"),
            v6("2001:db8:e2e::102"), List.of(v6("2001:db8:e2e::53")), Duration.ofHours(1));
    static final Dhcp6Engine.Link LINK = new Dhcp6Engine.Link("br0", List.of(v6("fe80::1"), SERVER));
    static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");
    static final Duid CLIENT = Duid.linkLayer(MAC);
    static final Duid OTHER = Duid.linkLayer(MacAddress.parse("52:54:00:00:00:99"));

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T12:00:00Z"));
    final MemoryLease6Store store = new MemoryLease6Store();
    final MetricRegistry registry = new MetricRegistry();
    final Map<MacAddress, Reservation> reservations = new java.util.HashMap<>();
    final Dhcp6Engine engine = new Dhcp6Engine(List.of(SUBNET), store,
            BootRules.from(null, new Listeners(8000, null, "*", true, false)),
            mac -> Optional.ofNullable(reservations.get(mac)), Duid.linkLayer(MacAddress.parse("02:00:00:00:00:01")),
            (InstantSource) now::get, new Dhcp6Metrics(registry));

    static Inet6Address v6(String s) {
        return Ipv6Network.parseAddress(s);
    }

    static Dhcp6Option clientId(Duid d) {
        return Dhcp6Options.duidOption(Dhcp6Option.CLIENTID, d);
    }

    static Dhcp6Option iaNa(long iaid, Inet6Address... hints) {
        List<Dhcp6Option> inner = new ArrayList<>();
        for (Inet6Address h : hints) {
            inner.add(Dhcp6Options.iaAddress(h, 0, 0));
        }
        return Dhcp6Options.iaNa(iaid, 0, 0, inner);
    }

    static Dhcp6Option oro(int... codes) {
        byte[] b = new byte[codes.length * 2];
        for (int i = 0; i < codes.length; i++) {
            b[2 * i] = (byte) (codes[i] >> 8);
            b[2 * i + 1] = (byte) codes[i];
        }
        return new Dhcp6Option(Dhcp6Option.ORO, b);
    }

    static Dhcp6Option arch(int a) {
        return new Dhcp6Option(Dhcp6Option.CLIENT_ARCH_TYPE, new byte[] {(byte) (a >> 8), (byte) a});
    }

    static Dhcp6Message msg(Dhcp6MessageType type, Dhcp6Option... options) {
        return new Dhcp6Message.ClientServer(type, 0x123456, new Dhcp6Options(List.of(options)));
    }

    Dhcp6Option serverId() {
        return Dhcp6Options.duidOption(Dhcp6Option.SERVERID, engine.serverId());
    }

    Dhcp6Message.ClientServer answer(Dhcp6Message m) {
        return (Dhcp6Message.ClientServer) engine.handle(m, LINK).orElseThrow();
    }

    static Inet6Address address(Dhcp6Message.ClientServer m) throws Exception {
        return m.options().iaNas().get(0).addresses().get(0).address();
    }

    static String bootUrl(Dhcp6Message m) {
        return m.options().first(Dhcp6Option.BOOTFILE_URL).map(o -> new String(o.data(), StandardCharsets.US_ASCII))
                .orElse(null);
    }

    static int status(Dhcp6Options o) {
        byte[] d = o.first(Dhcp6Option.STATUS_CODE).orElseThrow().data();
        return ((d[0] & 0xff) << 8) | (d[1] & 0xff);
    }

    static int iaStatus(Dhcp6Message.ClientServer m) throws Exception {
        byte[] ia = m.options().first(Dhcp6Option.IA_NA).orElseThrow().data();
        return status(Dhcp6Options.parse(ia, 12, ia.length - 12));
    }

    @Test
    void httpClientSolicit_getsAnAdvertiseWithAPoolAddressTheUrlAndOption16_butNoOption23() throws Exception {
        Dhcp6Message.ClientServer a = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1), oro(59, 23),
                arch(16), Dhcp6Options.vendorClass(343, "HTTPClient:Arch:00016:UNDI:003001")));

        assertThat(a.type()).isEqualTo(Dhcp6MessageType.ADVERTISE);
        assertThat(a.transactionId()).isEqualTo(0x123456);
        assertThat(SUBNET.inPool(address(a))).isTrue();
        assertThat(bootUrl(a)).isEqualTo("http://[2001:db8:e2e::1]:8000/httpboot/grub2/grubx64.efi");
        assertThat(new String(a.options().first(Dhcp6Option.VENDOR_CLASS).orElseThrow().data(), 6, 10))
                .isEqualTo("HTTPClient");
        assertThat(a.options().clientId()).contains(CLIENT);
        assertThat(a.options().serverId()).contains(engine.serverId());
        // the URL names the server by its address: no option 23, so OVMF puts no Dns() node
        // between IPv6() and Uri() and GRUB finds its network in the boot device path
        assertThat(a.options().has(Dhcp6Option.DNS_SERVERS)).isFalse();
        assertThat(store.byIp).isEmpty(); // an ADVERTISE binds nothing
    }

    @Test
    void httpClient_withAUrlNamingAHost_andOtherClients_keepOption23() throws Exception {
        reservations.put(MAC, new Reservation("h", "h", Ipv4Address.parse("192.0.2.50"), MAC,
                Ipv4Network.parse("192.0.2.0/24"), "http://boot.example.com/httpboot/grub2/grubx64.efi", null, List.of(),
                Map.of(), true));
        Dhcp6Message.ClientServer http = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1), oro(59, 23),
                arch(16), Dhcp6Options.vendorClass(343, "HTTPClient:Arch:00016:UNDI:003001")));
        assertThat(bootUrl(http)).isEqualTo("http://boot.example.com/httpboot/grub2/grubx64.efi");
        assertThat(http.options().first(Dhcp6Option.DNS_SERVERS).orElseThrow().data())
                .isEqualTo(v6("2001:db8:e2e::53").getAddress());

        Dhcp6Message.ClientServer pxe = answer(msg(Dhcp6MessageType.SOLICIT, clientId(OTHER), iaNa(1), oro(59, 23),
                arch(7), Dhcp6Options.vendorClass(343, "PXEClient:Arch:00007:UNDI:003016")));
        assertThat(bootUrl(pxe)).isEqualTo("tftp://[2001:db8:e2e::1]/grub2/grubx64.efi");
        assertThat(pxe.options().first(Dhcp6Option.DNS_SERVERS).orElseThrow().data())
                .isEqualTo(v6("2001:db8:e2e::53").getAddress());

        // an iPXE client's URL names an IP, and it keeps option 23
        Dhcp6Message.ClientServer ipxe = answer(msg(Dhcp6MessageType.INFORMATION_REQUEST, clientId(OTHER), oro(59, 23),
                new Dhcp6Option(Dhcp6Option.USER_CLASS, new byte[] {0, 4, 'i', 'P', 'X', 'E'})));
        assertThat(bootUrl(ipxe)).isEqualTo("http://[2001:db8:e2e::1]:8000/httpboot/pxelinux.cfg/default.ipxe");
        assertThat(ipxe.options().has(Dhcp6Option.DNS_SERVERS)).isTrue();
    }

    @Test
    void request_bindsTheAdvertisedAddressDurably_andRenewExtendsIt() throws Exception {
        Inet6Address offered = address(answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(7))));

        Dhcp6Message.ClientServer r = answer(msg(Dhcp6MessageType.REQUEST, clientId(CLIENT), serverId(), iaNa(7, offered)));

        assertThat(r.type()).isEqualTo(Dhcp6MessageType.REPLY);
        assertThat(address(r)).isEqualTo(offered);
        Lease6 l = store.lease6(CLIENT, 7).orElseThrow();
        assertThat(l.ip()).isEqualTo(offered);
        assertThat(l.mac()).isEqualTo(MAC);
        assertThat(l.expires()).isEqualTo(now.get().plus(Duration.ofHours(1)));

        now.set(now.get().plus(Duration.ofMinutes(30)));
        Dhcp6Message.ClientServer renew = answer(msg(Dhcp6MessageType.RENEW, clientId(CLIENT), serverId(), iaNa(7, offered)));
        assertThat(address(renew)).isEqualTo(offered);
        assertThat(renew.options().iaNas().get(0).addresses().get(0).valid()).isEqualTo(3600);
        assertThat(store.lease6(CLIENT, 7).orElseThrow().expires()).isEqualTo(now.get().plus(Duration.ofHours(1)));
    }

    @Test
    void rapidCommitSolicit_isAnsweredWithABindingReply() throws Exception {
        Dhcp6Message.ClientServer r = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1),
                new Dhcp6Option(Dhcp6Option.RAPID_COMMIT, new byte[0])));

        assertThat(r.type()).isEqualTo(Dhcp6MessageType.REPLY);
        assertThat(r.options().has(Dhcp6Option.RAPID_COMMIT)).isTrue();
        assertThat(store.lease6ByIp(address(r))).isPresent();
    }

    @Test
    void twoClients_neverGetTheSameAddress_andAFullPoolSaysNoAddrsAvail() throws Exception {
        List<Inet6Address> given = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Duid d = Duid.linkLayer(MacAddress.parse("52:54:00:00:01:0" + i));
            given.add(address(answer(msg(Dhcp6MessageType.SOLICIT, clientId(d), iaNa(1)))));
        }
        assertThat(given).doesNotHaveDuplicates();

        Dhcp6Message.ClientServer full = answer(msg(Dhcp6MessageType.SOLICIT, clientId(OTHER), iaNa(1)));
        assertThat(full.options().iaNas()).isEmpty();
        assertThat(status(full.options())).isEqualTo(2);
    }

    @Test
    void pxeClient_getsATftpUrl_andAReservationsFileWins() throws Exception {
        Dhcp6Message.ClientServer a = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1), oro(59), arch(7),
                Dhcp6Options.vendorClass(343, "PXEClient:Arch:00007:UNDI:003016")));
        assertThat(bootUrl(a)).isEqualTo("tftp://[2001:db8:e2e::1]/grub2/grubx64.efi");
        assertThat(a.options().has(Dhcp6Option.VENDOR_CLASS)).isFalse();

        reservations.put(MAC, new Reservation("h", "h", Ipv4Address.parse("192.0.2.50"), MAC,
                Ipv4Network.parse("192.0.2.0/24"), "host/shimx64.efi", "192.0.2.1", List.of(), Map.of(), true));
        Dhcp6Message.ClientServer b = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1), oro(59), arch(7),
                Dhcp6Options.vendorClass(343, "PXEClient:Arch:00007:UNDI:003016")));
        // the reservation's IPv4 next-server is unreachable over v6: the server's own v6 address replaces it
        assertThat(bootUrl(b)).isEqualTo("tftp://[2001:db8:e2e::1]/host/shimx64.efi");
    }

    @Test
    void anOsClientThatDoesNotAsk_getsNoBootUrl() throws Exception {
        assertThat(bootUrl(answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1), oro(23))))).isNull();
    }

    @Test
    void messagesForAnotherServer_orWithoutClientId_areIgnored() throws Exception {
        Dhcp6Option foreign = Dhcp6Options.duidOption(Dhcp6Option.SERVERID, OTHER);
        assertThat(engine.handle(msg(Dhcp6MessageType.REQUEST, clientId(CLIENT), foreign, iaNa(1)), LINK)).isEmpty();
        assertThat(engine.handle(msg(Dhcp6MessageType.SOLICIT, iaNa(1)), LINK)).isEmpty();
        assertThat(engine.handle(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), foreign, iaNa(1)), LINK)).isEmpty();
        assertThat(engine.handle(msg(Dhcp6MessageType.REPLY, clientId(CLIENT)), LINK)).isEmpty();
        assertThat(registry.counter("dhcp6.server.dropped.ignored").getCount()).isEqualTo(4);
    }

    @Test
    void release_freesTheAddress_butAnotherClientCannotReleaseOrDeclineIt() throws Exception {
        Dhcp6Message.ClientServer r = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1),
                new Dhcp6Option(Dhcp6Option.RAPID_COMMIT, new byte[0])));
        Inet6Address a = address(r);

        Dhcp6Message.ClientServer foreign = answer(msg(Dhcp6MessageType.DECLINE, clientId(OTHER), serverId(), iaNa(1, a)));
        assertThat(foreign.options().iaNas().get(0).addresses()).isEmpty();
        assertThat(store.lease6ByIp(a).orElseThrow().state()).isEqualTo(Lease6.State.ACTIVE);
        answer(msg(Dhcp6MessageType.RELEASE, clientId(OTHER), serverId(), iaNa(1, a)));
        assertThat(store.lease6ByIp(a)).isPresent();

        Dhcp6Message.ClientServer released = answer(msg(Dhcp6MessageType.RELEASE, clientId(CLIENT), serverId(), iaNa(1, a)));
        assertThat(status(released.options())).isZero();
        assertThat(store.lease6ByIp(a)).isEmpty();
    }

    @Test
    void decline_keepsTheAddressFromEveryone() throws Exception {
        Inet6Address a = address(answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1),
                new Dhcp6Option(Dhcp6Option.RAPID_COMMIT, new byte[0]))));
        answer(msg(Dhcp6MessageType.DECLINE, clientId(CLIENT), serverId(), iaNa(1, a)));
        assertThat(store.lease6ByIp(a).orElseThrow().state()).isEqualTo(Lease6.State.DECLINED);

        Dhcp6Message.ClientServer again = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1)));
        assertThat(address(again)).isNotEqualTo(a);
    }

    @Test
    void renewWithoutBinding_saysNoBinding_andRebindOffLinkGetsZeroLifetimes() throws Exception {
        Dhcp6Message.ClientServer renew = answer(msg(Dhcp6MessageType.RENEW, clientId(CLIENT), serverId(),
                iaNa(3, v6("2001:db8:e2e::101"))));
        assertThat(iaStatus(renew)).isEqualTo(3);

        Dhcp6Message.ClientServer rebind = answer(msg(Dhcp6MessageType.REBIND, clientId(CLIENT), iaNa(3, v6("2001:db8:99::5"))));
        assertThat(rebind.options().iaNas().get(0).addresses()).singleElement()
                .satisfies(x -> assertThat(x.valid()).isZero());
    }

    @Test
    void confirm_saysWhetherTheAddressesAreOnLink() throws Exception {
        assertThat(status(answer(msg(Dhcp6MessageType.CONFIRM, clientId(CLIENT), iaNa(1, v6("2001:db8:e2e::150"))))
                .options())).isZero();
        assertThat(status(answer(msg(Dhcp6MessageType.CONFIRM, clientId(CLIENT), iaNa(1, v6("2001:db8:77::1"))))
                .options())).isEqualTo(4);
    }

    @Test
    void informationRequest_getsOptionsAndTheBootUrl_withoutAddresses() throws Exception {
        Dhcp6Message.ClientServer r = answer(msg(Dhcp6MessageType.INFORMATION_REQUEST, clientId(CLIENT), oro(59, 23),
                new Dhcp6Option(Dhcp6Option.USER_CLASS, new byte[] {0, 4, 'i', 'P', 'X', 'E'})));
        assertThat(r.type()).isEqualTo(Dhcp6MessageType.REPLY);
        assertThat(r.options().has(Dhcp6Option.IA_NA)).isFalse();
        assertThat(bootUrl(r)).isEqualTo("http://[2001:db8:e2e::1]:8000/httpboot/pxelinux.cfg/default.ipxe");
    }

    @Test
    void relayedSolicit_isAnsweredInARelayReplyEchoingTheInterfaceId() throws Exception {
        Dhcp6Message inner = msg(Dhcp6MessageType.SOLICIT, clientId(OTHER), iaNa(1));
        Dhcp6Option ifid = new Dhcp6Option(Dhcp6Option.INTERFACE_ID, "port7".getBytes(StandardCharsets.US_ASCII));
        Dhcp6Message relay = new Dhcp6Message.Relay(Dhcp6MessageType.RELAY_FORW, 0, v6("2001:db8:e2e::fe"),
                v6("fe80::5054:ff:fe00:99"), new Dhcp6Options(List.of(ifid,
                        new Dhcp6Option(Dhcp6Option.RELAY_MSG, Dhcp6Codec.encode(inner)))));

        Dhcp6Message out = engine.handle(relay, new Dhcp6Engine.Link("eth1", List.of(v6("2001:db8:aaaa::1")))).orElseThrow();

        assertThat(out).isInstanceOf(Dhcp6Message.Relay.class);
        Dhcp6Message.Relay r = (Dhcp6Message.Relay) out;
        assertThat(r.type()).isEqualTo(Dhcp6MessageType.RELAY_REPL);
        assertThat(r.peerAddress()).isEqualTo(v6("fe80::5054:ff:fe00:99"));
        assertThat(r.options().first(Dhcp6Option.INTERFACE_ID)).contains(ifid);
        Dhcp6Message.ClientServer advertise = (Dhcp6Message.ClientServer) Dhcp6Codec.inner(r);
        assertThat(SUBNET.inPool(address(advertise))).isTrue();
    }

    @Test
    void relaysNestedTooDeep_areDroppedAsMalformed() {
        Dhcp6Message m = msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1));
        for (int i = 0; i < Dhcp6Codec.MAX_RELAY_DEPTH + 1; i++) {
            m = new Dhcp6Message.Relay(Dhcp6MessageType.RELAY_FORW, i, v6("2001:db8:e2e::fe"), v6("fe80::1"),
                    new Dhcp6Options(List.of(new Dhcp6Option(Dhcp6Option.RELAY_MSG, Dhcp6Codec.encode(m)))));
        }
        assertThat(engine.handle(m, LINK)).isEmpty();
        assertThat(registry.counter("dhcp6.server.dropped.malformed").getCount()).isEqualTo(1);
    }

    @Test
    void aBindingThatCannotBeStored_isNotAnswered_asBound() throws Exception {
        store.failWrites = true;
        Dhcp6Message.ClientServer r = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1),
                new Dhcp6Option(Dhcp6Option.RAPID_COMMIT, new byte[0])));
        assertThat(r.options().iaNas().get(0).addresses()).isEmpty();
        assertThat(store.byIp).isEmpty();
    }

    @Test
    void reclaim_whenTheStoreCannotWrite_keepsTheBindings_countsTheError_andDoesNotThrow() throws Exception {
        Dhcp6Message.ClientServer r = answer(msg(Dhcp6MessageType.SOLICIT, clientId(CLIENT), iaNa(1),
                new Dhcp6Option(Dhcp6Option.RAPID_COMMIT, new byte[0])));
        now.set(now.get().plus(SUBNET.leaseTime()).plus(Dhcp6Engine.HOLD_RECLAIMED));
        store.failWrites = true;

        assertThat(engine.reclaim()).isZero();
        assertThat(registry.counter("dhcp6.server.store_errors").getCount()).isEqualTo(1);
        assertThat(store.lease6ByIp(address(r))).isPresent();

        store.failWrites = false;
        assertThat(engine.reclaim()).isEqualTo(1);
        assertThat(store.byIp).isEmpty();
    }

    @Test
    void mutatedDatagrams_areDroppedOrAnswered_neverThrow() throws Exception {
        // every message type the engine answers, relayed and not, then 20,000 random mutations of them
        List<byte[]> seeds = new ArrayList<>();
        for (Dhcp6MessageType t : Dhcp6MessageType.values()) {
            if (t.isRelay()) {
                continue;
            }
            seeds.add(Dhcp6Codec.encode(msg(t, clientId(CLIENT), serverId(), iaNa(1, v6("2001:db8:e2e::101")), oro(59),
                    arch(16), Dhcp6Options.vendorClass(343, "HTTPClient:Arch:00016"))));
        }
        seeds.add(Dhcp6Codec.encode(new Dhcp6Message.Relay(Dhcp6MessageType.RELAY_FORW, 0, v6("2001:db8:e2e::fe"),
                v6("fe80::1"), new Dhcp6Options(List.of(new Dhcp6Option(Dhcp6Option.RELAY_MSG, seeds.get(0)))))));
        java.util.Random random = new java.util.Random(42);
        int answered = 0;
        int malformed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(10) == 0) {
                b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            }
            Dhcp6Message m;
            try {
                m = Dhcp6Codec.decode(b);
            } catch (org.bootproxy.dhcp.protocol.MalformedPacketException e) {
                malformed++;
                continue;
            }
            if (engine.handle(m, LINK).isPresent()) {
                answered++;
            }
        }
        assertThat(malformed).isPositive();
        assertThat(answered).isPositive();
    }

    @Test
    void serverAddress_prefersAConfiguredAddressInTheSubnetOverSlaacAndOtherPrefixes() {
        Dhcp6Engine.Link link = new Dhcp6Engine.Link("br0", List.of(v6("fe80::1"), v6("2001:db8:77::1"),
                v6("2001:db8:e2e:0:c424:71ff:fe27:ccbb"), v6("2001:db8:e2e::9"), v6("2001:db8:e2e::5")));
        assertThat(Dhcp6Engine.serverAddress(link, Optional.of(SUBNET))).contains(v6("2001:db8:e2e::5"));
        assertThat(Dhcp6Engine.serverAddress(new Dhcp6Engine.Link("br0", List.of(v6("fe80::1"))), Optional.of(SUBNET)))
                .isEmpty();
    }
}
