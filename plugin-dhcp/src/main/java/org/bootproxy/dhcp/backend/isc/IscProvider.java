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

    @Override
    public DhcpBackend open(ProviderContext context, IscSettings settings) throws IOException {
        return IscBackend.open(context, settings);
    }
}
