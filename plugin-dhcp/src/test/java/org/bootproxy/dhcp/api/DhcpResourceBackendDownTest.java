package org.bootproxy.dhcp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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

/** A backend that cannot be reached (an OMAPI socket down, a failed journal) makes every route a 503. */
class DhcpResourceBackendDownTest {

    private static final Subnet SUBNET = new Subnet(Ipv4Network.parse("192.0.2.0/24"), null, null, List.of(),
            List.of(), null, List.of(), Duration.ofHours(1), null);

    /** Knows its subnet; every record operation fails as an unreachable server would. */
    static final class DownBackend implements DhcpBackend {
        @Override
        public String provider() {
            return "down";
        }

        @Override
        public List<Subnet> subnets() {
            return List.of(SUBNET);
        }

        private static BackendUnavailableException down() {
            return new BackendUnavailableException("OMAPI 192.0.2.1:7911 does not answer", null);
        }

        @Override
        public List<Reservation> reservations(Subnet subnet) throws BackendUnavailableException {
            throw down();
        }

        @Override
        public List<Lease> activeLeases(Subnet subnet) throws BackendUnavailableException {
            throw down();
        }

        @Override
        public Optional<Reservation> reservationByMac(Subnet s, MacAddress mac) throws BackendUnavailableException {
            throw down();
        }

        @Override
        public Optional<Reservation> reservationByIp(Subnet s, Ipv4Address ip) throws BackendUnavailableException {
            throw down();
        }

        @Override
        public Optional<Lease> activeLeaseByMac(Subnet s, MacAddress mac) throws BackendUnavailableException {
            throw down();
        }

        @Override
        public Optional<Lease> activeLeaseByIp(Subnet s, Ipv4Address ip) throws BackendUnavailableException {
            throw down();
        }

        @Override
        public AddOutcome addReservation(Reservation r) throws BackendUnavailableException {
            throw down();
        }

        @Override
        public boolean deleteReservation(Reservation r) throws BackendUnavailableException {
            throw down();
        }

        @Override
        public void checkHealth() throws BackendUnavailableException {
            throw down();
        }

        @Override
        public void close() {
        }
    }

    private final DhcpResource resource = new DhcpResource(new DownBackend(),
            new UnusedIpFinder(new AddressProbe.None(), InstantSource.system(), new Random(1)), InstantSource.system());

    private static void assert503(Runnable call) {
        WebApplicationException e = catchThrowableOfType(WebApplicationException.class, call::run);
        assertThat(e).isNotNull();
        assertThat(e.getResponse().getStatus()).isEqualTo(503);
        assertThat(e.getResponse().getEntity()).isEqualTo("OMAPI 192.0.2.1:7911 does not answer");
    }

    @Test
    void everyRecordRoute_is503_withTheReason() {
        assert503(() -> resource.subnetRecords("192.0.2.0"));
        assert503(() -> resource.byMac("192.0.2.0", "aa:bb:cc:dd:ee:ff"));
        assert503(() -> resource.byIp("192.0.2.0", "192.0.2.10"));
        assert503(() -> resource.create("192.0.2.0", null,
                "hostname=h1.example.com&mac=aa%3Abb%3Acc%3Add%3Aee%3Aff&ip=192.0.2.10"));
        assert503(() -> resource.deleteByMac("192.0.2.0", "aa:bb:cc:dd:ee:ff"));
        assert503(() -> resource.deleteByIp("192.0.2.0", "192.0.2.10"));
        // the subnet list comes from configuration and still answers
        assertThat(resource.subnets()).hasSize(1);
    }
}
