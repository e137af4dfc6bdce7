package org.bootproxy.dhcp.backend;

import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.model.Subnet;

/** Builds the backend {@code plugins.dhcp.provider} names. */
public final class DhcpBackends {

    private DhcpBackends() {
    }

    /**
     * Opens the configured backend.
     *
     * @param subnets the validated {@code plugins.dhcp.subnets}
     * @throws IOException when the backend's storage cannot be opened
     * @throws IllegalArgumentException for a provider this build does not have
     */
    public static DhcpBackend create(DhcpConfig config, List<Subnet> subnets, InstantSource clock) throws IOException {
        String provider = config.getProvider();
        if ("embedded".equals(provider)) {
            return EmbeddedBackend.open(config.getStateDir(), subnets, clock);
        }
        // isc (OMAPI + leases file), dnsmasq (host files + leases) and kea (control socket) will go here
        throw new IllegalArgumentException("plugins.dhcp.provider: unknown provider '" + provider
                + "' (this build has: embedded)");
    }
}
