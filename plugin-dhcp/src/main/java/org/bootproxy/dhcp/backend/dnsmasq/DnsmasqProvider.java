package org.bootproxy.dhcp.backend.dnsmasq;

import java.io.IOException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.provider.DhcpProvider;
import org.bootproxy.dhcp.provider.ProviderContext;

/**
 * {@code provider: dnsmasq}: a running dnsmasq through its configuration, hosts and options
 * directories, lease file and PID file ({@link DnsmasqBackend}); settings
 * {@code plugins.dhcp.dnsmasq} ({@link DnsmasqSettings}). Subnets come from its {@code dhcp-range}s;
 * {@code plugins.dhcp.subnets}, when set, filters them.
 */
public final class DnsmasqProvider implements DhcpProvider<DnsmasqSettings> {

    @Override
    public String name() {
        return "dnsmasq";
    }

    @Override
    public Class<DnsmasqSettings> settingsType() {
        return DnsmasqSettings.class;
    }

    @Override
    public DhcpBackend open(ProviderContext context, DnsmasqSettings settings) throws IOException {
        return DnsmasqBackend.open(settings, context.clock(), context::manages);
    }
}
