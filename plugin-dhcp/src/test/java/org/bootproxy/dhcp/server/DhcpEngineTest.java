package org.bootproxy.dhcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.protocol.DhcpCodec;
import org.bootproxy.dhcp.protocol.DhcpMessage;
import org.bootproxy.dhcp.protocol.DhcpOptions;
import org.bootproxy.dhcp.protocol.MessageType;
import org.bootproxy.dhcp.protocol.OptionCode;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;

class DhcpEngineTest {

    static final Ipv4Address SERVER = ip("192.0.2.1");
    static final Ipv4Network NET = Ipv4Network.parse("192.0.2.0/24");
    static final Subnet SUBNET = new Subnet(NET, ip("192.0.2.100"), ip("192.0.2.102"), List.of(SERVER),
            List.of(ip("192.0.2.53")), "example.com", List.of(), Duration.ofHours(1), 1500);
    static final Ingress IN = new Ingress(SERVER, 67, new InetSocketAddress("0.0.0.0", 68));
    static final MacAddress MAC = MacAddress.parse("52:54:00:00:00:01");

    final MutableClock clock = new MutableClock();
    final FakeLeaseStore store = new FakeLeaseStore();
    final MetricRegistry registry = new MetricRegistry();
    DhcpEngine engine = engine(DhcpEngine.Mode.SERVER);

    DhcpEngine engine(DhcpEngine.Mode mode) {
        return new DhcpEngine(mode, List.of(SUBNET), store,
                BootRules.from(null, new Listeners(8000, null, "*", true, false)),
                new NextServerResolver(clock), clock, new DhcpMetrics(registry));
    }

    static Ipv4Address ip(String s) {
        return Ipv4Address.parse(s);
    }

    static DhcpMessage request(MacAddress mac, MessageType type, Ipv4Address ciaddr, Ipv4Address giaddr,
                               DhcpOptions.Builder extra) {
        DhcpOptions.Builder o = extra == null ? DhcpOptions.builder() : extra;
        o.messageType(type);
        byte[] chaddr = new byte[16];
        System.arraycopy(mac.octets(), 0, chaddr, 0, 6);
        return new DhcpMessage(1, 1, 6, 0, 0x1234, 0, 0, ciaddr, DhcpMessage.ZERO, DhcpMessage.ZERO, giaddr, chaddr,
                "", "", o.build());
    }

    static DhcpMessage discover(MacAddress mac, String vendorClass, Integer arch) {
        DhcpOptions.Builder o = DhcpOptions.builder();
        if (vendorClass != null) {
            o.putString(OptionCode.VENDOR_CLASS, vendorClass);
        }
        if (arch != null) {
            o.putUint16(OptionCode.CLIENT_ARCH, arch);
        }
        return request(mac, MessageType.DISCOVER, DhcpMessage.ZERO, DhcpMessage.ZERO, o);
    }

    DhcpMessage select(MacAddress mac, Ipv4Address ip) {
        return request(mac, MessageType.REQUEST, DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpOptions.builder()
                .putAddress(OptionCode.SERVER_ID, SERVER).putAddress(OptionCode.REQUESTED_IP, ip));
    }

    /** Every reply survives the codec: what the engine builds is what goes on the wire. */
    static Outgoing wire(Optional<Outgoing> o) throws Exception {
        assertThat(o).isPresent();
        return new Outgoing(DhcpCodec.decode(DhcpCodec.encode(o.get().message())), o.get().destination());
    }

    @Test
    void discoverRequest_leasesAFreeAddress_withSubnetOptions_andWritesBeforeAck() throws Exception {
        Outgoing offer = wire(engine.handle(discover(MAC, null, null), IN));
        assertThat(offer.message().type()).isEqualTo(MessageType.OFFER);
        assertThat(offer.message().yiaddr()).isEqualTo(ip("192.0.2.100"));
        assertThat(offer.destination()).isEqualTo(new InetSocketAddress("255.255.255.255", 68));
        DhcpOptions o = offer.message().options();
        assertThat(o.address(OptionCode.SERVER_ID)).contains(SERVER);
        assertThat(o.address(OptionCode.SUBNET_MASK)).contains(ip("255.255.255.0"));
        assertThat(o.addresses(OptionCode.ROUTERS)).containsExactly(SERVER);
        assertThat(o.addresses(OptionCode.DOMAIN_NAME_SERVERS)).containsExactly(ip("192.0.2.53"));
        assertThat(o.string(OptionCode.DOMAIN_NAME)).contains("example.com");
        assertThat(o.uint16(OptionCode.INTERFACE_MTU)).hasValue(1500);
        assertThat(o.uint32(OptionCode.LEASE_TIME)).contains(3600L);
        assertThat(o.uint32(OptionCode.RENEWAL_TIME)).contains(1800L);
        assertThat(o.uint32(OptionCode.REBINDING_TIME)).contains(3150L);
        assertThat(store.writes).isEmpty(); // an offer is not a lease

        Outgoing ack = wire(engine.handle(select(MAC, ip("192.0.2.100")), IN));
        assertThat(ack.message().type()).isEqualTo(MessageType.ACK);
        assertThat(ack.message().yiaddr()).isEqualTo(ip("192.0.2.100"));
        assertThat(store.writes).containsExactly("save 192.0.2.100 52:54:00:00:00:01");
        assertThat(store.leases.get(ip("192.0.2.100")).ends()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(registry.meter("dhcp.server.acks").getCount()).isEqualTo(1);
        // by message type, client kind and architecture (labels in the Prometheus export)
        assertThat(registry.meter("dhcp.server.answers.offer.other.none").getCount()).isEqualTo(1);
        assertThat(registry.meter("dhcp.server.answers.ack.other.none").getCount()).isEqualTo(1);
    }

    @Test
    void offersAreHeld_otherClientsGetOtherAddresses_andThePoolRunsOut() throws Exception {
        assertThat(wire(engine.handle(discover(MAC, null, null), IN)).message().yiaddr()).isEqualTo(ip("192.0.2.100"));
        // the same client asking again gets the same offer
        assertThat(wire(engine.handle(discover(MAC, null, null), IN)).message().yiaddr()).isEqualTo(ip("192.0.2.100"));
        assertThat(wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:02"), null, null), IN)).message().yiaddr())
                .isEqualTo(ip("192.0.2.101"));
        assertThat(wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:03"), null, null), IN)).message().yiaddr())
                .isEqualTo(ip("192.0.2.102"));
        assertThat(engine.handle(discover(MacAddress.parse("52:54:00:00:00:04"), null, null), IN)).isEmpty();
        assertThat(registry.counter("dhcp.server.pool_exhausted").getCount()).isEqualTo(1);
        // offers expire
        clock.advance(DhcpEngine.OFFER_HOLD.plusSeconds(1));
        engine.sweep();
        assertThat(wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:04"), null, null), IN)).message().yiaddr())
                .isNotNull();
    }

    @Test
    void reservedAddresses_areSkipped_andReservationsGetTheirAddressAndFile() throws Exception {
        MacAddress reserved = MacAddress.parse("52:54:00:aa:bb:cc");
        store.reserve(new Reservation("h1.example.com", "h1.example.com", ip("192.0.2.100"), reserved, NET,
                "grub2/shimx64.efi", "192.0.2.5", List.of(), null, true));
        store.reserve(new Reservation("h2", "h2", ip("192.0.2.101"), MacAddress.parse("52:54:00:aa:bb:cd"), NET,
                null, null, List.of(), null, true));
        assertThat(wire(engine.handle(discover(MAC, null, null), IN)).message().yiaddr()).isEqualTo(ip("192.0.2.102"));

        Outgoing offer = wire(engine.handle(discover(reserved, "PXEClient:Arch:00007:UNDI:003000", 7), IN));
        assertThat(offer.message().yiaddr()).isEqualTo(ip("192.0.2.100"));
        assertThat(offer.message().file()).isEqualTo("grub2/shimx64.efi");
        assertThat(offer.message().siaddr()).isEqualTo(ip("192.0.2.5"));
        assertThat(offer.message().options().string(OptionCode.HOST_NAME)).contains("h1.example.com");
        Outgoing ack = wire(engine.handle(select(reserved, ip("192.0.2.100")), IN));
        assertThat(ack.message().type()).isEqualTo(MessageType.ACK);
        assertThat(store.writes).isEmpty(); // a reservation is fixed, no lease record
        // asking for another address than the reserved one is refused
        assertThat(wire(engine.handle(select(reserved, ip("192.0.2.102")), IN)).message().type()).isEqualTo(MessageType.NAK);
    }

    @Test
    void bootAnswers_httpClientGetsOption60AndUrl_ipxeGetsScriptAnd175() throws Exception {
        DhcpMessage http = discover(MAC, "HTTPClient:Arch:00016:UNDI:003000", 16);
        DhcpMessage m = wire(engine.handle(http, IN)).message();
        assertThat(m.options().vendorClass()).contains("HTTPClient");
        assertThat(m.options().string(OptionCode.BOOTFILE_NAME)).contains("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi");
        assertThat(m.file()).isEqualTo("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi");

        DhcpMessage ipxe = request(MacAddress.parse("52:54:00:00:00:09"), MessageType.DISCOVER, DhcpMessage.ZERO,
                DhcpMessage.ZERO, DhcpOptions.builder().putString(OptionCode.VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003010")
                        .putString(OptionCode.USER_CLASS, "iPXE").putUint16(OptionCode.CLIENT_ARCH, 7));
        DhcpMessage r = wire(engine.handle(ipxe, IN)).message();
        assertThat(r.file()).isEqualTo("http://192.0.2.1:8000/httpboot/pxelinux.cfg/default.ipxe");
        assertThat(r.options().raw(OptionCode.IPXE_ENCAP)).hasValueSatisfying(v -> assertThat(v).containsExactly(176, 1, 1));
        assertThat(r.options().has(OptionCode.VENDOR_CLASS)).isFalse();

        DhcpMessage bios = wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:0a"),
                "PXEClient:Arch:00000:UNDI:002001", 0), IN)).message();
        assertThat(bios.file()).isEqualTo("pxelinux.0");
        assertThat(bios.siaddr()).isEqualTo(SERVER);
        assertThat(bios.options().has(OptionCode.BOOTFILE_NAME)).isFalse(); // not asked for, fits the file field
    }

    @Test
    void httpClient_withAUrlNamingAnIp_getsNoOption6_soGrubFindsItsNetworkInTheBootDevicePath() throws Exception {
        // the default rule's URL names the server by its address
        DhcpMessage offer = wire(engine.handle(discover(MAC, "HTTPClient:Arch:00016:UNDI:003000", 16), IN)).message();
        assertThat(offer.options().string(OptionCode.BOOTFILE_NAME)).contains("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi");
        assertThat(offer.options().has(OptionCode.DOMAIN_NAME_SERVERS)).isFalse();
        assertThat(offer.options().addresses(OptionCode.ROUTERS)).containsExactly(SERVER); // the rest stays
        assertThat(offer.options().string(OptionCode.DOMAIN_NAME)).contains("example.com");
        // the firmware's REQUEST says HTTPClient too
        DhcpMessage ack = wire(engine.handle(request(MAC, MessageType.REQUEST, DhcpMessage.ZERO, DhcpMessage.ZERO,
                DhcpOptions.builder().putAddress(OptionCode.SERVER_ID, SERVER).putAddress(OptionCode.REQUESTED_IP,
                        offer.yiaddr()).putString(OptionCode.VENDOR_CLASS, "HTTPClient:Arch:00016:UNDI:003000")), IN))
                .message();
        assertThat(ack.type()).isEqualTo(MessageType.ACK);
        assertThat(ack.options().has(OptionCode.DOMAIN_NAME_SERVERS)).isFalse();

        // a reservation's URL with a bracketed IPv6 literal and user info names an IP too
        MacAddress v6 = MacAddress.parse("52:54:00:00:00:0b");
        store.reserve(new Reservation("h6", "h6", ip("192.0.2.60"), v6, NET,
                "https://u@[2001:db8::1]:8443/httpboot/shimx64.efi", null, List.of(), null, true));
        assertThat(wire(engine.handle(discover(v6, "HTTPClient:Arch:00016:UNDI:003000", 16), IN)).message().options()
                .has(OptionCode.DOMAIN_NAME_SERVERS)).isFalse();
    }

    @Test
    void httpClient_withAUrlNamingAHost_andOtherClients_keepOption6() throws Exception {
        MacAddress named = MacAddress.parse("52:54:00:00:00:0c");
        store.reserve(new Reservation("h", "h", ip("192.0.2.61"), named, NET,
                "http://boot.example.com:8000/httpboot/grub2/grubx64.efi", null, List.of(), null, true));
        DhcpMessage http = wire(engine.handle(discover(named, "HTTPClient:Arch:00016:UNDI:003000", 16), IN)).message();
        assertThat(http.options().string(OptionCode.BOOTFILE_NAME)).contains("http://boot.example.com:8000/httpboot/grub2/grubx64.efi");
        // the firmware resolves boot.example.com with these
        assertThat(http.options().addresses(OptionCode.DOMAIN_NAME_SERVERS)).containsExactly(ip("192.0.2.53"));

        DhcpMessage pxe = wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:0d"),
                "PXEClient:Arch:00007:UNDI:003000", 7), IN)).message();
        assertThat(pxe.file()).isEqualTo("grub2/grubx64.efi");
        assertThat(pxe.options().addresses(OptionCode.DOMAIN_NAME_SERVERS)).containsExactly(ip("192.0.2.53"));

        // iPXE gets a URL naming an IP, and keeps option 6 (its scripts may name hosts)
        DhcpMessage ipxe = wire(engine.handle(request(MacAddress.parse("52:54:00:00:00:0e"), MessageType.DISCOVER,
                DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpOptions.builder().putString(OptionCode.USER_CLASS, "iPXE")
                        .putUint16(OptionCode.CLIENT_ARCH, 7)), IN)).message();
        assertThat(ipxe.file()).isEqualTo("http://192.0.2.1:8000/httpboot/pxelinux.cfg/default.ipxe");
        assertThat(ipxe.options().addresses(OptionCode.DOMAIN_NAME_SERVERS)).containsExactly(ip("192.0.2.53"));
    }

    @Test
    void request_forAnotherServer_releasesTheOffer_andIsNotAnswered() throws Exception {
        wire(engine.handle(discover(MAC, null, null), IN));
        DhcpMessage other = request(MAC, MessageType.REQUEST, DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpOptions.builder()
                .putAddress(OptionCode.SERVER_ID, ip("192.0.2.250")).putAddress(OptionCode.REQUESTED_IP, ip("192.0.2.100")));
        assertThat(engine.handle(other, IN)).isEmpty();
        // the address is free again: the pool of three serves three other clients
        wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:02"), null, null), IN));
        wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:03"), null, null), IN));
        assertThat(wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:04"), null, null), IN)).message().yiaddr())
                .isEqualTo(ip("192.0.2.100"));
    }

    @Test
    void request_forAnAddressLeasedToAnother_isNaked_broadcast() throws Exception {
        wire(engine.handle(discover(MAC, null, null), IN));
        wire(engine.handle(select(MAC, ip("192.0.2.100")), IN));
        Outgoing nak = wire(engine.handle(select(MacAddress.parse("52:54:00:00:00:02"), ip("192.0.2.100")), IN));
        assertThat(nak.message().type()).isEqualTo(MessageType.NAK);
        assertThat(nak.message().yiaddr()).isEqualTo(DhcpMessage.ZERO);
        assertThat(nak.destination().getAddress().getHostAddress()).isEqualTo("255.255.255.255");
        // INIT-REBOOT on a foreign network: NAK
        DhcpMessage reboot = request(MAC, MessageType.REQUEST, DhcpMessage.ZERO, DhcpMessage.ZERO,
                DhcpOptions.builder().putAddress(OptionCode.REQUESTED_IP, ip("10.9.9.9")));
        assertThat(wire(engine.handle(reboot, IN)).message().type()).isEqualTo(MessageType.NAK);
        // INIT-REBOOT of a client we know nothing about, free address: silent (RFC 2131 4.3.2)
        DhcpMessage unknown = request(MacAddress.parse("52:54:00:00:00:07"), MessageType.REQUEST, DhcpMessage.ZERO,
                DhcpMessage.ZERO, DhcpOptions.builder().putAddress(OptionCode.REQUESTED_IP, ip("192.0.2.101")));
        assertThat(engine.handle(unknown, IN)).isEmpty();
    }

    @Test
    void renew_isUnicastToCiaddr_andExtendsTheLease_release_removesIt() throws Exception {
        wire(engine.handle(discover(MAC, null, null), IN));
        wire(engine.handle(select(MAC, ip("192.0.2.100")), IN));
        clock.advance(Duration.ofMinutes(30));
        Outgoing renew = wire(engine.handle(request(MAC, MessageType.REQUEST, ip("192.0.2.100"), DhcpMessage.ZERO, null), IN));
        assertThat(renew.message().type()).isEqualTo(MessageType.ACK);
        assertThat(renew.message().ciaddr()).isEqualTo(ip("192.0.2.100"));
        assertThat(renew.destination()).isEqualTo(new InetSocketAddress("192.0.2.100", 68));
        assertThat(store.leases.get(ip("192.0.2.100")).ends()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(engine.handle(request(MAC, MessageType.RELEASE, ip("192.0.2.100"), DhcpMessage.ZERO, null), IN)).isEmpty();
        assertThat(store.leases).isEmpty();
    }

    @Test
    void decline_keepsTheAddressOutOfThePool() throws Exception {
        wire(engine.handle(discover(MAC, null, null), IN));
        wire(engine.handle(select(MAC, ip("192.0.2.100")), IN));
        assertThat(engine.handle(request(MAC, MessageType.DECLINE, DhcpMessage.ZERO, DhcpMessage.ZERO,
                DhcpOptions.builder().putAddress(OptionCode.REQUESTED_IP, ip("192.0.2.100"))), IN)).isEmpty();
        assertThat(store.leases).isEmpty();
        assertThat(wire(engine.handle(discover(MAC, null, null), IN)).message().yiaddr()).isEqualTo(ip("192.0.2.101"));
    }

    @Test
    void decline_fromAClientNeverOfferedTheAddress_isDroppedAndCounted_andCancelsNoOffer() throws Exception {
        MacAddress victim = MacAddress.parse("52:54:00:00:00:0a");
        MacAddress attacker = MacAddress.parse("52:54:00:00:00:66");
        assertThat(wire(engine.handle(discover(victim, null, null), IN)).message().yiaddr()).isEqualTo(ip("192.0.2.100"));
        for (int last = 100; last <= 200; last++) {
            assertThat(engine.handle(request(attacker, MessageType.DECLINE, DhcpMessage.ZERO, DhcpMessage.ZERO,
                    DhcpOptions.builder().putAddress(OptionCode.REQUESTED_IP, ip("192.0.2." + last))), IN)).isEmpty();
        }
        // the victim's pending offer stands, and another client still gets an offer
        assertThat(wire(engine.handle(select(victim, ip("192.0.2.100")), IN)).message().type())
                .isEqualTo(MessageType.ACK);
        Outgoing other = wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:0b"), null, null), IN));
        assertThat(other.message().type()).isEqualTo(MessageType.OFFER);
        assertThat(other.message().yiaddr()).isEqualTo(ip("192.0.2.101"));
        // the victim's lease was not dropped either
        assertThat(store.leases.get(ip("192.0.2.100")).mac()).isEqualTo(victim);
        assertThat(registry.counter("dhcp.server.dropped.foreign_decline").getCount()).isEqualTo(101);
    }

    @Test
    void decline_ofAnOfferedAddress_byItsClient_isHonoured() throws Exception {
        assertThat(wire(engine.handle(discover(MAC, null, null), IN)).message().yiaddr()).isEqualTo(ip("192.0.2.100"));
        engine.handle(request(MAC, MessageType.DECLINE, DhcpMessage.ZERO, DhcpMessage.ZERO,
                DhcpOptions.builder().putAddress(OptionCode.REQUESTED_IP, ip("192.0.2.100"))), IN);
        assertThat(registry.counter("dhcp.server.declines").getCount()).isEqualTo(1);
        assertThat(wire(engine.handle(discover(MacAddress.parse("52:54:00:00:00:0b"), null, null), IN)).message()
                .yiaddr()).isEqualTo(ip("192.0.2.101"));
    }

    @Test
    void relayed_requestsUseGiaddrsSubnet_andGoBackToTheRelayPort67() throws Exception {
        Ipv4Network far = Ipv4Network.parse("198.51.100.0/24");
        Subnet farSubnet = new Subnet(far, ip("198.51.100.10"), ip("198.51.100.20"), List.of(ip("198.51.100.1")),
                List.of(), null, List.of(), Duration.ofHours(2), null);
        engine = new DhcpEngine(DhcpEngine.Mode.SERVER, List.of(SUBNET, farSubnet), store,
                BootRules.from(null, new Listeners(8000, null, "*", true, false)), new NextServerResolver(clock), clock,
                new DhcpMetrics(registry));
        DhcpMessage relayed = request(MAC, MessageType.DISCOVER, DhcpMessage.ZERO, ip("198.51.100.1"),
                DhcpOptions.builder().put(OptionCode.RELAY_AGENT_INFO, new byte[] {1, 3, 'e', 't', '0'}));
        Outgoing o = wire(engine.handle(relayed, new Ingress(SERVER, 67, new InetSocketAddress("198.51.100.1", 67))));
        assertThat(o.message().yiaddr()).isEqualTo(ip("198.51.100.10"));
        assertThat(o.message().giaddr()).isEqualTo(ip("198.51.100.1"));
        assertThat(o.destination()).isEqualTo(new InetSocketAddress("198.51.100.1", 67));
        assertThat(o.message().options().addresses(OptionCode.ROUTERS)).containsExactly(ip("198.51.100.1"));
        // RFC 3046: option 82 echoed, last
        List<Integer> codes = o.message().options().codes();
        assertThat(codes.get(codes.size() - 1)).isEqualTo(OptionCode.RELAY_AGENT_INFO);
        assertThat(o.message().options().raw(OptionCode.RELAY_AGENT_INFO)).hasValueSatisfying(
                v -> assertThat(v).containsExactly(1, 3, 'e', 't', '0'));
    }

    @Test
    void inform_getsOptionsWithoutAddressOrLeaseTime() throws Exception {
        Outgoing o = wire(engine.handle(request(MAC, MessageType.INFORM, ip("192.0.2.77"), DhcpMessage.ZERO, null), IN));
        assertThat(o.message().type()).isEqualTo(MessageType.ACK);
        assertThat(o.message().yiaddr()).isEqualTo(DhcpMessage.ZERO);
        assertThat(o.message().options().has(OptionCode.LEASE_TIME)).isFalse();
        assertThat(o.destination()).isEqualTo(new InetSocketAddress("192.0.2.77", 68));
        assertThat(store.writes).isEmpty();
    }

    @Test
    void failedLeaseWrite_meansNoAck() throws Exception {
        wire(engine.handle(discover(MAC, null, null), IN));
        store.failWrites = true;
        assertThat(engine.handle(select(MAC, ip("192.0.2.100")), IN)).isEmpty();
        assertThat(registry.counter("dhcp.server.store_errors").getCount()).isEqualTo(1);
        assertThat(registry.meter("dhcp.server.acks").getCount()).isZero();
    }

    @Test
    void ack_waitsForTheDurableWrite_andAFailedWriteGetsNoAck() throws Exception {
        java.util.concurrent.CompletableFuture<Void> disk = new java.util.concurrent.CompletableFuture<>();
        FakeLeaseStore slow = new FakeLeaseStore() {
            @Override
            public java.util.concurrent.CompletionStage<Void> saveLeaseAsync(org.bootproxy.dhcp.model.Lease lease) {
                leases.put(lease.ip(), lease);
                return disk;
            }
        };
        DhcpEngine e = new DhcpEngine(DhcpEngine.Mode.SERVER, List.of(SUBNET), slow,
                BootRules.from(null, new Listeners(8000, null, "*", true, false)), new NextServerResolver(clock), clock,
                new DhcpMetrics(registry));
        wire(e.handle(discover(MAC, null, null), IN));
        java.util.concurrent.CompletableFuture<Optional<Outgoing>> ack =
                e.handleAsync(select(MAC, ip("192.0.2.100")), IN).toCompletableFuture();
        assertThat(ack).isNotDone();
        disk.complete(null);
        assertThat(ack.get().orElseThrow().message().type()).isEqualTo(MessageType.ACK);

        java.util.concurrent.CompletableFuture<Void> broken = new java.util.concurrent.CompletableFuture<>();
        FakeLeaseStore failing = new FakeLeaseStore() {
            @Override
            public java.util.concurrent.CompletionStage<Void> saveLeaseAsync(org.bootproxy.dhcp.model.Lease lease) {
                return broken;
            }
        };
        DhcpEngine f = new DhcpEngine(DhcpEngine.Mode.SERVER, List.of(SUBNET), failing,
                BootRules.from(null, new Listeners(8000, null, "*", true, false)), new NextServerResolver(clock), clock,
                new DhcpMetrics(registry));
        java.util.concurrent.CompletableFuture<Optional<Outgoing>> none =
                f.handleAsync(select(MAC, ip("192.0.2.100")), IN).toCompletableFuture();
        broken.completeExceptionally(new java.io.IOException("journal failed (test)"));
        assertThat(none.get()).isEmpty();
        assertThat(registry.counter("dhcp.server.store_errors").getCount()).isEqualTo(1);
    }

    @Test
    void ignoresReplies_bootp_andUnknownSubnets() {
        DhcpMessage d = discover(MAC, null, null);
        DhcpMessage reply = d.reply(ip("192.0.2.5"), SERVER, "", DhcpOptions.builder().messageType(MessageType.OFFER).build());
        assertThat(engine.handle(reply, IN)).isEmpty();
        DhcpMessage bootp = new DhcpMessage(1, 1, 6, 0, 1, 0, 0, DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpMessage.ZERO,
                DhcpMessage.ZERO, d.chaddr(), "", "", DhcpOptions.empty());
        assertThat(engine.handle(bootp, IN)).isEmpty();
        assertThat(engine.handle(d, new Ingress(ip("203.0.113.1"), 67, new InetSocketAddress("0.0.0.0", 68)))).isEmpty();
        assertThat(registry.counter("dhcp.server.dropped.ignored").getCount()).isEqualTo(3);
    }

    @Test
    void proxyMode_answersOnlyBootClients_withoutAddress() throws Exception {
        DhcpEngine proxy = engine(DhcpEngine.Mode.PROXY);
        assertThat(proxy.handle(discover(MAC, null, null), IN)).isEmpty();
        DhcpMessage pxe = request(MAC, MessageType.DISCOVER, DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpOptions.builder()
                .putString(OptionCode.VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003000").putUint16(OptionCode.CLIENT_ARCH, 7)
                .put(OptionCode.CLIENT_UUID, new byte[17]));
        Outgoing offer = wire(proxy.handle(pxe, IN));
        assertThat(offer.message().type()).isEqualTo(MessageType.OFFER);
        assertThat(offer.message().yiaddr()).isEqualTo(DhcpMessage.ZERO);
        assertThat(offer.message().siaddr()).isEqualTo(SERVER);
        assertThat(offer.message().file()).isEqualTo("grub2/grubx64.efi");
        assertThat(offer.message().options().vendorClass()).contains("PXEClient");
        assertThat(offer.message().options().has(OptionCode.CLIENT_UUID)).isTrue();
        assertThat(offer.message().options().has(OptionCode.LEASE_TIME)).isFalse();
        assertThat(store.writes).isEmpty();
        // the address REQUEST on 67 belongs to the other server
        assertThat(proxy.handle(select(MAC, ip("192.0.2.100")), IN)).isEmpty();
        // on 4011 a REQUEST gets an ACK back to its source
        InetSocketAddress src = new InetSocketAddress("192.0.2.55", 68);
        DhcpMessage boot = request(MAC, MessageType.REQUEST, ip("192.0.2.55"), DhcpMessage.ZERO, DhcpOptions.builder()
                .putString(OptionCode.VENDOR_CLASS, "HTTPClient:Arch:00016:UNDI:003000"));
        Outgoing ack = wire(proxy.handle(boot, new Ingress(SERVER, 4011, src)));
        assertThat(ack.destination()).isEqualTo(src);
        assertThat(ack.message().type()).isEqualTo(MessageType.ACK);
        assertThat(ack.message().options().vendorClass()).contains("HTTPClient");
        assertThat(ack.message().options().string(OptionCode.BOOTFILE_NAME))
                .contains("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi");
    }

    @Test
    void concurrentClients_neverShareAnAddress() throws Exception {
        Subnet big = new Subnet(NET, ip("192.0.2.10"), ip("192.0.2.250"), List.of(SERVER), List.of(), null, List.of(),
                Duration.ofHours(1), null);
        DhcpEngine e = new DhcpEngine(DhcpEngine.Mode.SERVER, List.of(big), store,
                BootRules.from(null, new Listeners(8000, null, "*", true, false)), new NextServerResolver(clock), clock,
                new DhcpMetrics(registry));
        int threads = 8;
        int perThread = 30; // 240 clients for 241 addresses
        java.util.concurrent.ConcurrentHashMap<Ipv4Address, MacAddress> acked = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    MacAddress mac = MacAddress.parse(String.format("52:54:00:01:%02x:%02x", base, i));
                    Ipv4Address offered = e.handle(discover(mac, null, null), IN).orElseThrow().message().yiaddr();
                    DhcpMessage ack = e.handle(select(mac, offered), IN).orElseThrow().message();
                    assertThat(ack.type()).isEqualTo(MessageType.ACK);
                    if (acked.putIfAbsent(ack.yiaddr(), mac) != null) {
                        duplicates.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(duplicates).hasValue(0);
        assertThat(acked).hasSize(threads * perThread);
        assertThat(store.leases).hasSize(threads * perThread);
        acked.forEach((a, m) -> assertThat(store.leases.get(a).mac()).isEqualTo(m));
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-23T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
