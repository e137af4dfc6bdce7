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

    /** Kea's control socket, or kea-ctrl-agent's address, answering a connect (nothing is sent). */
    @Override
    public java.util.List<String> check(ProviderContext context, KeaSettings settings) {
        if (settings.getUrl() == null) {
            return org.bootproxy.spi.Checks.unixSocketReachable("kea.control_socket", settings.getControlSocket())
                    .stream().toList();
        }
        java.net.URI uri;
        try {
            uri = java.net.URI.create(settings.getUrl());
        } catch (IllegalArgumentException e) {
            return java.util.List.of("kea.url " + settings.getUrl() + " is not a URL: " + e.getMessage());
        }
        if (uri.getHost() == null) {
            return java.util.List.of("kea.url " + settings.getUrl() + " has no host");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return org.bootproxy.spi.Checks.tcpReachable("kea.url", uri.getHost(), port, java.time.Duration.ofSeconds(3))
                .stream().toList();
    }

    @Override
    public DhcpBackend open(ProviderContext context, KeaSettings settings) {
        return KeaBackend.open(settings, context.clock(), context::manages);
    }
}
