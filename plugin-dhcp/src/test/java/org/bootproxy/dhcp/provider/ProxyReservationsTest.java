package org.bootproxy.dhcp.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bootproxy.dhcp.backend.AddOutcome;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;

/** What proxyDHCP reads beside an external provider: its reservations, never a lease. */
class ProxyReservationsTest {

    static final Ipv4Network NET = Ipv4Network.parse("192.0.2.0/24");
    static final MacAddress MAC = MacAddress.parse("52:54:00:ab:cd:ef");
    static final Subnet SUBNET = new Subnet(NET, null, null, List.of(), List.of(), null, List.of(), Duration.ofHours(1),
            null);
    static final Reservation R = new Reservation("h1", "h1", Ipv4Address.parse("192.0.2.10"), MAC, NET,
            "grub2/shimx64.efi", "192.0.2.7", List.of(), Map.of(), true);

    /** An external backend with one reservation; {@code down} makes every read fail. */
    static final class External implements DhcpBackend {
        boolean down;

        private void check() throws BackendUnavailableException {
            if (down) {
                throw new BackendUnavailableException("OMAPI down", null);
            }
        }

        @Override
        public String provider() {
            return "external";
        }

        @Override
        public List<Subnet> subnets() throws BackendUnavailableException {
            check();
            return List.of(SUBNET);
        }

        @Override
        public List<Reservation> reservations(Subnet subnet) {
            return List.of(R);
        }

        @Override
        public List<Lease> activeLeases(Subnet subnet) {
            return List.of(new Lease(Ipv4Address.parse("192.0.2.100"), MAC, NET, Instant.EPOCH, Instant.MAX, null));
        }

        @Override
        public Optional<Reservation> reservationByMac(Subnet subnet, MacAddress mac) throws BackendUnavailableException {
            check();
            return mac.equals(MAC) ? Optional.of(R) : Optional.empty();
        }

        @Override
        public Optional<Reservation> reservationByIp(Subnet subnet, Ipv4Address ip) throws BackendUnavailableException {
            check();
            return ip.equals(R.ip()) ? Optional.of(R) : Optional.empty();
        }

        @Override
        public Optional<Lease> activeLeaseByMac(Subnet subnet, MacAddress mac) {
            return Optional.empty();
        }

        @Override
        public Optional<Lease> activeLeaseByIp(Subnet subnet, Ipv4Address ip) {
            return Optional.empty();
        }

        @Override
        public AddOutcome addReservation(Reservation reservation) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deleteReservation(Reservation reservation) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void checkHealth() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void readsTheProvidersReservations_noLeases_andWritesNothing() {
        External backend = new External();
        ProxyReservations p = new ProxyReservations(backend);
        assertThat(p.reservationByMac(NET, MAC)).contains(R);
        assertThat(p.reservationByIp(R.ip())).contains(R);
        assertThat(p.reservationByMac(Ipv4Network.parse("198.18.0.0/24"), MAC)).isEmpty();
        assertThat(p.leaseByMac(NET, MAC)).isEmpty();
        assertThat(p.leases(NET)).isEmpty();
        assertThatThrownBy(() -> p.saveLease(backend.activeLeases(SUBNET).get(0))).isInstanceOf(IOException.class);

        backend.down = true;
        assertThat(p.reservationByMac(NET, MAC)).as("a backend down: boot rules still answer").isEmpty();
    }
}
