package org.bootproxy.dhcp.backend.isc;

import java.io.IOException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.provider.DhcpProvider;
import org.bootproxy.dhcp.provider.ProviderContext;

/** {@code isc}: a running ISC dhcpd, through OMAPI and its dhcpd.conf / dhcpd.leases ({@link IscBackend}). */
public final class IscProvider implements DhcpProvider<IscSettings> {

    @Override
    public String name() {
        return "isc";
    }

    @Override
    public Class<IscSettings> settingsType() {
        return IscSettings.class;
    }

    /** dhcpd.conf and dhcpd.leases readable, dhcpd's OMAPI port answering a connect (nothing is sent). */
    @Override
    public java.util.List<String> check(ProviderContext context, IscSettings settings) {
        java.util.List<String> out = new java.util.ArrayList<>();
        org.bootproxy.spi.Checks.readableFile("isc.config", settings.config).ifPresent(out::add);
        org.bootproxy.spi.Checks.readableFile("isc.leases", settings.leases).ifPresent(out::add);
        org.bootproxy.spi.Checks.tcpReachable("isc.server/omapi_port", settings.server, settings.omapiPort,
                java.time.Duration.ofMillis(settings.connectTimeout.toMilliseconds())).ifPresent(out::add);
        return out;
    }

    @Override
    public DhcpBackend open(ProviderContext context, IscSettings settings) throws IOException {
        return IscBackend.open(context, settings);
    }
}
