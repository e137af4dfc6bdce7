package org.bootproxy.dhcp.provider;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What proxyDHCP ({@code mode: proxy}) reads beside an external provider: that provider's
 * reservations (for a host's own boot file), and no leases: the other server owns addresses, and
 * proxyDHCP never writes one. A backend that cannot be read counts as "no reservation", so boot
 * rules still answer. Thread-safe as the backend is.
 */
public final class ProxyReservations implements LeaseStore {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyReservations.class);

    private final DhcpBackend backend;

    public ProxyReservations(DhcpBackend backend) {
        this.backend = backend;
    }

    @Override
    public Optional<Reservation> reservationByMac(Ipv4Network subnet, MacAddress mac) {
        try {
            for (Subnet s : backend.subnets()) {
                if (s.network().equals(subnet)) {
                    return backend.reservationByMac(s, mac);
                }
            }
        } catch (BackendUnavailableException e) {
            LOG.debug("dhcp: proxyDHCP could not read the reservation of {}: {}", mac, e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public Optional<Reservation> reservationByIp(Ipv4Address ip) {
        try {
            for (Subnet s : backend.subnets()) {
                if (s.network().contains(ip)) {
                    return backend.reservationByIp(s, ip);
                }
            }
        } catch (BackendUnavailableException e) {
            LOG.debug("dhcp: proxyDHCP could not read the reservation of {}: {}", ip, e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public Optional<Lease> leaseByMac(Ipv4Network subnet, MacAddress mac) {
        return Optional.empty();
    }

    @Override
    public Optional<Lease> leaseByIp(Ipv4Address ip) {
        return Optional.empty();
    }

    @Override
    public Collection<Lease> leases(Ipv4Network subnet) {
        return List.of();
    }

    @Override
    public void saveLease(Lease lease) throws IOException {
        throw new IOException("proxyDHCP stores no leases (the " + backend.provider() + " server owns them)");
    }

    @Override
    public void removeLease(Ipv4Address ip) throws IOException {
        throw new IOException("proxyDHCP stores no leases (the " + backend.provider() + " server owns them)");
    }
}
