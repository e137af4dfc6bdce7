package org.bootproxy.dhcp;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bootproxy.dhcp.api.AddressProbe;
import org.bootproxy.dhcp.api.DhcpResource;
import org.bootproxy.dhcp.api.UnusedIpFinder;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.DhcpBackends;
import org.bootproxy.dhcp.backend.Lease6Store;
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.backend.embedded.DhcpStoreCommand;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.export.DhcpConfigCommand;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.model.Subnet6;
import org.bootproxy.dhcp.provider.ProviderContext;
import org.bootproxy.dhcp.provider.ProxyReservations;
import org.bootproxy.dhcp.server.DhcpServer;
import org.bootproxy.dhcp.server6.Dhcp6Server;
import org.bootproxy.spi.PluginCommand;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dhcp} feature: the {@code /dhcp} API over the backend {@code plugins.dhcp.provider}
 * names and, with the {@code embedded} provider, the built-in DHCPv4 server on the same store.
 */
public final class DhcpPlugin implements ProxyPlugin<DhcpConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(DhcpPlugin.class);

    /** Foreman's capabilities: a filename may be an IPv4 TFTP path, and nextServer may be a host name. */
    static final Set<String> CAPABILITIES = Set.of("dhcp_filename_ipv4", "dhcp_filename_hostname");

    @Override
    public String name() {
        return "dhcp";
    }

    @Override
    public String version() {
        String v = DhcpPlugin.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public int spiVersion() {
        return PluginSpi.VERSION;
    }

    @Override
    public Class<DhcpConfig> configClass() {
        return DhcpConfig.class;
    }

    @Override
    public List<String> exposedSettings() {
        return List.of("use_provider");
    }

    /**
     * {@code bootproxy dhcp-config}: the boot rules as ISC dhcpd / dhcpd -6 / dnsmasq / Kea
     * configuration; {@code bootproxy dhcp-store verify|salvage}: check and recover the embedded store.
     */
    @Override
    public List<PluginCommand<DhcpConfig>> commands() {
        return List.of(new DhcpConfigCommand(), new DhcpStoreCommand());
    }

    /**
     * The subnets and boot rules as the start builds them, the {@code unused_ip_probe} (icmp needs
     * CAP_NET_RAW), port 67 when the server binds interfaces, and the provider's own check
     * ({@link org.bootproxy.dhcp.provider.DhcpProvider#check}: the embedded store's
     * {@code state_dir}, an external server it cannot reach).
     */
    @Override
    public List<String> check(DhcpConfig config, PluginContext context) {
        List<String> problems = new ArrayList<>();
        List<Subnet> subnets = List.of();
        try {
            subnets = Subnet.fromConfig(config.getSubnets());
        } catch (RuntimeException e) {
            problems.add("subnets: " + e.getMessage());
        }
        try {
            probe(config);
        } catch (RuntimeException e) {
            problems.add("unused_ip_probe " + config.getUnusedIpProbe() + ": " + e.getMessage());
        }
        try {
            BootRules.from(config.getBoot(), context.listeners());
        } catch (RuntimeException e) {
            problems.add("boot: " + e.getMessage());
        }
        if (!config.getInterfaces().isEmpty()) {
            org.bootproxy.spi.Checks.udpPortFree("interfaces " + config.getInterfaces() + ": DHCP port", null,
                    "proxy".equals(config.getMode()) ? 4011 : 67).ifPresent(problems::add);
        }
        problems.addAll(DhcpBackends.check(config, new ProviderContext(subnets, InstantSource.system(),
                config.getStateDir(), new MetricRegistry()), org.bootproxy.dhcp.provider.DhcpProviders.installed()));
        return problems;
    }

    @Override
    public RunningPlugin start(DhcpConfig config, PluginContext context) throws Exception {
        InstantSource clock = InstantSource.system();
        List<Subnet> subnets = Subnet.fromConfig(config.getSubnets());
        AddressProbe probe = probe(config);
        DhcpBackend backend = DhcpBackends.create(config,
                new ProviderContext(subnets, clock, config.getStateDir(), context.metrics()));
        List<AutoCloseable> started = new ArrayList<>();
        try {
            BootRules bootRules = BootRules.from(config.getBoot(), context.listeners());
            // the embedded DHCPv4 server on the same state the API writes, or proxyDHCP beside an
            // external provider's server (DhcpBackends refused server mode with interfaces for it)
            LeaseStore store = backend instanceof LeaseStore s ? s
                    : "proxy".equals(config.getMode()) ? new ProxyReservations(backend) : null;
            List<Subnet6> subnets6 = Subnet6.fromConfig(config.getSubnets6());
            // DHCPv6 only (no DHCPv4 subnets, server mode): the DHCPv4 server would have nothing to
            // serve, and an IPv6-only interface has no IPv4 address for it to bind
            boolean v6Only = subnets.isEmpty() && !subnets6.isEmpty() && "server".equals(config.getMode());
            if (store != null && !v6Only) {
                // stopped before the backend
                DhcpServer server = new DhcpServer(config, store, bootRules, context.listeners(), context.metrics());
                started.add(server::stop);
                server.start();
            } else if (v6Only && !config.getInterfaces().isEmpty()) {
                LOG.info("dhcp: no DHCPv4 subnets configured: only the DHCPv6 server runs");
            }
            if (!subnets6.isEmpty()) {
                startDhcp6(config, backend, subnets6, subnets, bootRules, context, started);
            }
            DhcpResource resource = new DhcpResource(backend,
                    new UnusedIpFinder(probe, clock, new SecureRandom()), clock);
            MetricRegistry metrics = context.metrics();
            List<String> gauges = new ArrayList<>();
            if (backend instanceof EmbeddedBackend embedded) {
                metrics.register("dhcp.store.journal_batches", (Gauge<Long>) embedded::journalBatches);
                metrics.register("dhcp.store.journal_records", (Gauge<Long>) embedded::journalRecords);
                gauges.add("dhcp.store.journal_batches");
                gauges.add("dhcp.store.journal_records");
            }
            String description = "provider=" + backend.provider() + " subnets=" + subnets.size()
                    + " state_dir=" + config.getStateDir() + " unused_ip_probe=" + probe.describe();
            return new Running(backend, resource, started, metrics, gauges, description);
        } catch (Exception | Error e) {
            closeAll(started);
            backend.close();
            throw e;
        }
    }

    /**
     * The embedded DHCPv6 server, on the embedded store's bindings; a reservation's boot file (by
     * the client's MAC, in any DHCPv4 subnet) applies to v6 too.
     */
    private static void startDhcp6(DhcpConfig config, DhcpBackend backend, List<Subnet6> subnets6, List<Subnet> subnets,
                                   BootRules bootRules, PluginContext context, List<AutoCloseable> started)
            throws java.io.IOException {
        if (!(backend instanceof Lease6Store store6) || !"server".equals(config.getMode())) {
            throw new IllegalArgumentException("plugins.dhcp.subnets6: the DHCPv6 server runs only with provider"
                    + " 'embedded' in mode 'server' (provider is '" + backend.provider() + "', mode '"
                    + config.getMode() + "')");
        }
        if (config.getInterfaces().isEmpty()) {
            LOG.info("dhcp6: no plugins.dhcp.interfaces configured: the DHCPv6 server binds nothing");
            return;
        }
        LeaseStore leases = (LeaseStore) backend;
        Dhcp6Server server6 = new Dhcp6Server(config.getInterfaces(), subnets6, store6, bootRules,
                mac -> subnets.stream().map(s -> leases.reservationByMac(s.network(), mac))
                        .flatMap(java.util.Optional::stream).findFirst(),
                context.metrics());
        started.add(server6::stop);
        server6.start();
    }

    private static AddressProbe probe(DhcpConfig config) {
        Duration timeout = Duration.ofMillis(config.getUnusedIpProbeTimeout().toMilliseconds());
        return switch (config.getUnusedIpProbe()) {
            case "icmp" -> new AddressProbe.Icmp(timeout);
            case "tcp" -> new AddressProbe.Tcp(config.getUnusedIpProbePorts(), timeout);
            default -> new AddressProbe.None();
        };
    }

    private static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("Stopping a DHCP component failed: {}", e.toString());
            }
        }
    }

    private static final class Running implements RunningPlugin {
        private final DhcpBackend backend;
        private final DhcpResource resource;
        private final List<AutoCloseable> started;
        private final MetricRegistry metrics;
        private final List<String> gauges;
        private final String description;

        Running(DhcpBackend backend, DhcpResource resource, List<AutoCloseable> started, MetricRegistry metrics,
                List<String> gauges, String description) {
            this.backend = backend;
            this.resource = resource;
            this.started = started;
            this.metrics = metrics;
            this.gauges = gauges;
            this.description = description;
        }

        @Override
        public List<Object> protectedResources() {
            return List.of(resource);
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("use_provider", backend.provider());
        }

        @Override
        public Set<String> capabilities() {
            return CAPABILITIES;
        }

        @Override
        public Map<String, HealthCheck> healthChecks() {
            return Map.of("backend", new HealthCheck() {
                @Override
                protected Result check() {
                    try {
                        backend.checkHealth();
                        return Result.healthy(backend.provider());
                    } catch (BackendUnavailableException e) {
                        return Result.unhealthy(e.getMessage());
                    }
                }
            });
        }

        /** The embedded store while it cannot write (reads go on; it retries by itself). */
        @Override
        public java.util.Optional<String> degraded() {
            return backend instanceof EmbeddedBackend embedded ? embedded.unavailable() : java.util.Optional.empty();
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public void stop() {
            closeAll(started);
            backend.close();
            gauges.forEach(metrics::remove);
        }
    }
}
