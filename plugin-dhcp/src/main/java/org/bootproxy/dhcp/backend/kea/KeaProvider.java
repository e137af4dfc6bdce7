package org.bootproxy.dhcp.backend.kea;

import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.provider.DhcpProvider;
import org.bootproxy.dhcp.provider.ProviderContext;

/**
 * {@code provider: kea}: a running kea-dhcp4 through its control socket or kea-ctrl-agent
 * ({@link KeaBackend}); settings {@code plugins.dhcp.kea} ({@link KeaSettings}). Subnets come from
 * Kea; {@code plugins.dhcp.subnets}, when set, filters them.
 */
public final class KeaProvider implements DhcpProvider<KeaSettings> {

    @Override
    public String name() {
        return "kea";
    }

    @Override
    public Class<KeaSettings> settingsType() {
        return KeaSettings.class;
    }

    @Override
    public DhcpBackend open(ProviderContext context, KeaSettings settings) {
        return KeaBackend.open(settings, context.clock(), context::manages);
    }
}
