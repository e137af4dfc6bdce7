package org.bootproxy.dhcp.backend;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.provider.DhcpProvider;
import org.bootproxy.dhcp.provider.DhcpProviders;
import org.bootproxy.dhcp.provider.ProviderContext;

/** Opens the backend {@code plugins.dhcp.provider} names, through the installed providers. */
public final class DhcpBackends {

    private DhcpBackends() {
    }

    /**
     * Checks that the configuration fits the provider, then opens its backend.
     *
     * @throws IOException when the backend's storage cannot be opened
     * @throws IllegalArgumentException for a provider that is not installed (naming those found),
     *         settings that violate a constraint, or {@code interfaces} in {@code mode: server}
     *         with a provider that does not run the embedded server
     */
    public static DhcpBackend create(DhcpConfig config, ProviderContext context, DhcpProviders providers)
            throws IOException {
        DhcpProvider<?> provider = providers.find(config.getProvider());
        checkServerMode(config, provider);
        return providers.open(provider.name(), config.providerSettings(provider.name()), context);
    }

    /**
     * What {@code bootproxy check} reports for the provider: a provider that is not installed,
     * {@code interfaces} it cannot run with, settings that violate a constraint, and whatever
     * {@link DhcpProvider#check} finds. One line each, naming the key under {@code plugins.dhcp}.
     */
    public static List<String> check(DhcpConfig config, ProviderContext context, DhcpProviders providers) {
        try {
            DhcpProvider<?> provider = providers.find(config.getProvider());
            checkServerMode(config, provider);
            return providers.check(provider.name(), config.providerSettings(provider.name()), context);
        } catch (IllegalArgumentException | IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            return List.of(m.startsWith("plugins.dhcp.") ? m.substring("plugins.dhcp.".length())
                    : "provider " + config.getProvider() + ": " + m);
        }
    }

    /** With the installed providers. */
    public static DhcpBackend create(DhcpConfig config, ProviderContext context) throws IOException {
        return create(config, context, DhcpProviders.installed());
    }

    /** With the installed providers, a context of these subnets and a registry of its own (for commands). */
    public static DhcpBackend create(DhcpConfig config, List<Subnet> subnets, InstantSource clock) throws IOException {
        return create(config, new ProviderContext(subnets, clock, config.getStateDir(), new MetricRegistry()));
    }

    /**
     * The embedded DHCP server serves addresses only for a provider that runs it: another
     * provider's server (dhcpd, Kea, dnsmasq) owns the segment, and two servers answering the same
     * DISCOVER would hand out conflicting leases. proxyDHCP ({@code mode: proxy}) answers only boot
     * information and may run beside any of them.
     */
    static void checkServerMode(DhcpConfig config, DhcpProvider<?> provider) {
        if (!provider.runsEmbeddedServer() && !config.getInterfaces().isEmpty() && "server".equals(config.getMode())) {
            throw new IllegalArgumentException("plugins.dhcp.interfaces " + config.getInterfaces()
                    + ": the embedded DHCP server does not run with provider '" + provider.name()
                    + "' (its own server hands out addresses); leave interfaces empty, or set mode: proxy"
                    + " for proxyDHCP beside it");
        }
    }
}
