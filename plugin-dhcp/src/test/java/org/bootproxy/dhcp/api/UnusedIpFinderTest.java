package org.bootproxy.dhcp.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;

class UnusedIpFinderTest {

    private static final Subnet SUBNET = new Subnet(Ipv4Network.parse("192.0.2.0/24"), null, null, List.of(),
            List.of(), null, List.of(), Duration.ofHours(1), null);
    private static final Ipv4Address FROM = Ipv4Address.parse("192.0.2.10");
    private static final Ipv4Address TO = Ipv4Address.parse("192.0.2.19");
    private static final MacAddress MAC_A = MacAddress.parse("aa:bb:cc:00:00:01");
    private static final MacAddress MAC_B = MacAddress.parse("aa:bb:cc:00:00:02");

    /** A clock the test moves. */
    static final class TestClock implements InstantSource {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final Predicate<Ipv4Address> NONE = ip -> false;

    private final TestClock clock = new TestClock();

    @Test
    void suggestions_areFree_inRange_andNotRepeatedWithin30Minutes() throws Exception {
        UnusedIpFinder f = new UnusedIpFinder(new AddressProbe.None(), clock, new Random(1));
        Set<Ipv4Address> used = Set.of(Ipv4Address.parse("192.0.2.12"), Ipv4Address.parse("192.0.2.15"));
        Set<Ipv4Address> got = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            Optional<Ipv4Address> ip = f.find(SUBNET, FROM, TO, null, used::contains);
            assertThat(ip).isPresent();
            assertThat(ip.get()).isBetween(FROM, TO).isNotIn(used);
            assertThat(got.add(ip.get())).isTrue();
        }
        // 10 addresses, 2 used, 8 suggested: none left for 30 minutes
        assertThat(f.find(SUBNET, FROM, TO, null, used::contains)).isEmpty();
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(f.find(SUBNET, FROM, TO, null, used::contains)).isEmpty();
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(f.find(SUBNET, FROM, TO, null, used::contains)).isPresent();
    }

    @Test
    void sameMac_getsItsSuggestionBack_otherMacDoesNot() throws Exception {
        UnusedIpFinder f = new UnusedIpFinder(new AddressProbe.None(), clock, new Random(2));
        Ipv4Address a = f.find(SUBNET, FROM, TO, MAC_A, NONE).orElseThrow();
        assertThat(f.find(SUBNET, FROM, TO, MAC_A, NONE)).contains(a);
        assertThat(f.find(SUBNET, FROM, TO, MAC_B, NONE)).isPresent().get().isNotEqualTo(a);
        // once the address is taken, the MAC gets another one
        assertThat(f.find(SUBNET, FROM, TO, MAC_A, Set.of(a)::contains)).isPresent().get().isNotEqualTo(a);
    }

    @Test
    void startingPoint_isRandom() throws Exception {
        Set<Ipv4Address> firsts = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            firsts.add(new UnusedIpFinder(new AddressProbe.None(), clock, new Random(seed))
                    .find(SUBNET, FROM, TO, null, NONE).orElseThrow());
        }
        assertThat(firsts.size()).isGreaterThan(3);
    }

    @Test
    void addressesThatAnswerTheProbe_areSkippedAndRemembered() throws Exception {
        ProbeStub probe = new ProbeStub();
        for (int i = 10; i <= 19; i++) {
            if (i != 17) {
                probe.alive.add(Ipv4Address.parse("192.0.2." + i));
            }
        }
        UnusedIpFinder f = new UnusedIpFinder(probe, clock, new Random(3));
        // at most MAX_PROBES per request: the first may run out before reaching .17
        Optional<Ipv4Address> first = f.find(SUBNET, FROM, TO, MAC_A, NONE);
        assertThat(probe.asked.size()).isLessThanOrEqualTo(UnusedIpFinder.MAX_PROBES);
        Optional<Ipv4Address> ip = first.isPresent() ? first : f.find(SUBNET, FROM, TO, MAC_A, NONE);
        assertThat(ip).contains(Ipv4Address.parse("192.0.2.17"));
        // every address that answered was probed once only: remembered as in use
        assertThat(new HashSet<>(probe.asked)).hasSize(probe.asked.size());
    }

    /** A probe whose answers the test sets, recording what it was asked. */
    static final class ProbeStub implements AddressProbe {
        final Set<Ipv4Address> alive = new HashSet<>();
        final List<Ipv4Address> asked = new ArrayList<>();

        @Override
        public boolean answers(Ipv4Address ip) {
            asked.add(ip);
            return alive.contains(ip);
        }

        @Override
        public String describe() {
            return "stub";
        }
    }

    @Test
    void tcpProbe_countsAnEstablishedConnectionOnly() throws Exception {
        try (ServerSocket listening = new ServerSocket()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int open = listening.getLocalPort();
            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            Ipv4Address loopback = Ipv4Address.parse("127.0.0.1");
            // a refused connection (RST) is what a REJECT firewall sends for every address: not "in use"
            assertThat(new AddressProbe.Tcp(List.of(closed), Duration.ofSeconds(2)).answers(loopback)).isFalse();
            assertThat(new AddressProbe.Tcp(List.of(closed, open), Duration.ofSeconds(2)).answers(loopback)).isTrue();
        }
    }

    @Test
    void icmpProbe_seesAnEchoReply() throws IOException, InterruptedException {
        if (!AddressProbe.Icmp.hasNetRaw()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "needs CAP_NET_RAW");
        }
        assertThat(new AddressProbe.Icmp(Duration.ofSeconds(2)).answers(Ipv4Address.parse("127.0.0.1"))).isTrue();
    }
}
