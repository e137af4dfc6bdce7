package org.bootproxy.dhcp.server6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bootproxy.dhcp.server6.Dhcp6EngineTest.SUBNET;
import static org.bootproxy.dhcp.server6.Dhcp6EngineTest.clientId;
import static org.bootproxy.dhcp.server6.Dhcp6EngineTest.iaNa;
import static org.bootproxy.dhcp.server6.Dhcp6EngineTest.msg;

import com.codahale.metrics.MetricRegistry;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.model.Lease6;
import org.bootproxy.dhcp.protocol6.Dhcp6Message;
import org.bootproxy.dhcp.protocol6.Dhcp6MessageType;
import org.bootproxy.dhcp.protocol6.Dhcp6Option;
import org.bootproxy.dhcp.protocol6.Duid;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expired DHCPv6 bindings in the embedded store: their addresses go to new clients at once, and
 * {@link Dhcp6Engine#reclaim} removes them durably {@link Dhcp6Engine#HOLD_RECLAIMED} after expiry.
 * The real store, a fake clock, and restarts of both.
 */
class Dhcp6ReclaimTest {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration LEASE = SUBNET.leaseTime();

    @TempDir
    Path dir;

    final AtomicReference<Instant> now = new AtomicReference<>(T0);
    final InstantSource clock = now::get;
    MetricRegistry registry;
    EmbeddedBackend store;
    Dhcp6Engine engine;

    private void start() throws Exception {
        store = EmbeddedBackend.open(dir, List.of(), clock);
        registry = new MetricRegistry();
        engine = new Dhcp6Engine(List.of(SUBNET), store, BootRules.from(null, new Listeners(8000, null, "*", true, false)),
                mac -> Optional.empty(), Duid.linkLayer(MacAddress.parse("02:00:00:00:00:01")), clock,
                new Dhcp6Metrics(registry));
    }

    private void restart() throws Exception {
        store.close();
        start();
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static Duid client(int n) {
        return Duid.linkLayer(MacAddress.parse(String.format("52:54:00:00:02:%02x", n)));
    }

    /** A Rapid Commit SOLICIT: the address bound in the REPLY, or empty for NoAddrsAvail. */
    private Optional<Inet6Address> bind(Duid d) throws Exception {
        Dhcp6Message.ClientServer r = (Dhcp6Message.ClientServer) engine.handle(msg(Dhcp6MessageType.SOLICIT,
                clientId(d), iaNa(1), new Dhcp6Option(Dhcp6Option.RAPID_COMMIT, new byte[0])),
                Dhcp6EngineTest.LINK).orElseThrow();
        assertThat(r.type()).isEqualTo(Dhcp6MessageType.REPLY);
        var addresses = r.options().iaNas().get(0).addresses();
        return addresses.isEmpty() ? Optional.empty() : Optional.of(addresses.get(0).address());
    }

    private long removedMetric() {
        return registry.counter("dhcp6.server.bindings_removed").getCount();
    }

    @Test
    void aFullPoolsExpiredBindings_goToNewClients_andAreRemovedAnHourAfterExpiry_forGood() throws Exception {
        start();
        List<Inet6Address> pool = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pool.add(bind(client(i)).orElseThrow());
        }
        assertThat(bind(client(3))).as("the pool of 3 is full").isEmpty();
        assertThat(engine.reclaim()).as("nothing has expired").isZero();

        // every binding expired: their addresses are free at once, for new clients
        now.set(T0.plus(LEASE).plusSeconds(1));
        Inet6Address forD = bind(client(3)).orElseThrow();
        Inet6Address forE = bind(client(4)).orElseThrow();
        assertThat(pool).contains(forD, forE);
        assertThat(forD).isNotEqualTo(forE);
        Inet6Address stillC = pool.stream().filter(a -> !a.equals(forD) && !a.equals(forE)).findFirst().orElseThrow();
        Duid c = store.lease6ByIp(stillC).orElseThrow().duid();
        // the two taken over are no longer their old owners' bindings; the third is kept for now
        assertThat(store.leases6()).hasSize(3);
        assertThat(engine.reclaim()).as("expired, but not yet an hour ago").isZero();
        assertThat(store.lease6(c, 1)).isPresent();

        // an hour after expiry: removed, durably
        now.set(T0.plus(LEASE).plus(Dhcp6Engine.HOLD_RECLAIMED));
        assertThat(engine.reclaim()).isEqualTo(1);
        assertThat(removedMetric()).isEqualTo(1);
        assertThat(store.lease6(c, 1)).isEmpty();
        assertThat(store.lease6ByIp(stillC)).isEmpty();
        assertThat(store.leases6()).extracting(Lease6::duid).containsExactlyInAnyOrder(client(3), client(4));

        restart();
        assertThat(store.leases6()).as("nothing resurrected by the restart")
                .extracting(Lease6::duid).containsExactlyInAnyOrder(client(3), client(4));
        assertThat(store.lease6(c, 1)).isEmpty();
        assertThat(engine.reclaim()).isZero();
        // the one free address goes to the next new client; then the pool is full again
        assertThat(bind(client(5))).contains(stillC);
        assertThat(bind(client(6))).isEmpty();
    }

    @Test
    void aClientBackWithinTheHold_getsItsAddressAgain_andIsNotRemoved() throws Exception {
        start();
        Inet6Address a = bind(client(0)).orElseThrow();
        now.set(T0.plus(LEASE).plus(Dhcp6Engine.HOLD_RECLAIMED).minusSeconds(1));
        assertThat(bind(client(0))).contains(a);

        now.set(T0.plus(LEASE).plus(Dhcp6Engine.HOLD_RECLAIMED).plusSeconds(1));
        assertThat(engine.reclaim()).isZero();
        restart();
        assertThat(store.lease6(client(0), 1)).hasValueSatisfying(l -> assertThat(l.ip()).isEqualTo(a));
    }

    @Test
    void declinedBindings_areRemovedAnHourAfterTheirHoldEnds() throws Exception {
        start();
        Inet6Address a = bind(client(0)).orElseThrow();
        engine.handle(msg(Dhcp6MessageType.DECLINE, clientId(client(0)), iaNa(1, a),
                org.bootproxy.dhcp.protocol6.Dhcp6Options.duidOption(Dhcp6Option.SERVERID, engine.serverId())),
                Dhcp6EngineTest.LINK).orElseThrow();
        assertThat(store.lease6ByIp(a)).hasValueSatisfying(l -> assertThat(l.state()).isEqualTo(Lease6.State.DECLINED));

        now.set(T0.plus(LEASE).plus(Dhcp6Engine.HOLD_RECLAIMED).minusSeconds(1));
        assertThat(engine.reclaim()).isZero();
        now.set(T0.plus(LEASE).plus(Dhcp6Engine.HOLD_RECLAIMED));
        assertThat(engine.reclaim()).isEqualTo(1);
        restart();
        assertThat(store.leases6()).isEmpty();
    }
}
