package org.bootproxy.core;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.bootproxy.core.api.ErrorMappers;
import org.bootproxy.core.api.FeaturesResource;
import org.bootproxy.core.api.LogsResource;
import org.bootproxy.core.api.RequestBodyLimitFilter;
import org.bootproxy.core.api.RootResource;
import org.bootproxy.core.auth.ClientCertificateAuthFilter;
import org.bootproxy.core.auth.PluginRoutingFeature;
import org.bootproxy.core.http.ApplicationConnectors;
import org.bootproxy.core.config.LayeredYamlConfigurationFactory;
import org.bootproxy.core.logging.LogBuffer;
import org.bootproxy.core.logging.RequestIdFilter;
import org.bootproxy.core.plugins.LoadedPlugin;
import org.bootproxy.core.plugins.PluginCommandAdapter;
import org.bootproxy.core.plugins.PluginLoader;
import org.bootproxy.core.plugins.PluginRuntime;
import org.bootproxy.core.plugins.PluginSections;
import org.bootproxy.core.plugins.PluginStarter;
import org.bootproxy.core.plugins.PluginState;
import org.bootproxy.spi.Enablement;
import org.bootproxy.spi.PluginCommand;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.ProxyPlugin;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bootproxy: the Dropwizard application. {@code initialize} discovers the plugins (their
 * configuration types are needed to parse the YAML, their commands to build the command line);
 * {@code run} only wires: listeners, the log buffer, request ids, authorization, the root API,
 * and each plugin through {@link PluginStarter}.
 */
public class BootproxyApplication extends Application<BootproxyConfiguration> {

    private static final Logger LOG = LoggerFactory.getLogger(BootproxyApplication.class);

    static {
        // before anything in the process speaks TLS (JSSE reads the property once)
        org.bootproxy.core.http.JdkTlsPolicy.leaveRsaKeyExchangeToBootproxy();
    }

    private List<LoadedPlugin> plugins = List.of();
    private HangupReload reload;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "server".equals(args[0])) {
            HangupReload.ignoreWhileStarting(); // a reload right after the start must not end it
        }
        new BootproxyApplication().run(args);
    }

    @Override
    public String getName() {
        return "bootproxy";
    }

    /** The proxy's version (from the jar manifest; the project version in a build tree). */
    public static String version() {
        String v = BootproxyApplication.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** {@code server}, and bootproxy's own {@code check} instead of Dropwizard's (which only parses). */
    @Override
    protected void addDefaultCommands(Bootstrap<BootproxyConfiguration> bootstrap) {
        bootstrap.addCommand(new io.dropwizard.core.cli.ServerCommand<>(this));
        // initialize() loads the plugins after this runs: the command asks for them when it runs
        bootstrap.addCommand(new org.bootproxy.core.check.CheckCommand(() -> plugins, version()));
    }

    @Override
    public void initialize(Bootstrap<BootproxyConfiguration> bootstrap) {
        plugins = PluginLoader.load(getClass().getClassLoader(), PluginLoader.modulesDir());
        PluginSections.PluginCatalog catalog = new PluginSections.PluginCatalog() {
            @Override
            public Class<? extends PluginConfig> configClass(String name) {
                return plugins.stream().filter(p -> p.isLoaded() && p.name().equals(name))
                        .<Class<? extends PluginConfig>>map(p -> p.plugin().configClass()).findFirst().orElse(null);
            }

            @Override
            public List<String> names() {
                return plugins.stream().filter(LoadedPlugin::isLoaded).map(LoadedPlugin::name).sorted().toList();
            }
        };
        bootstrap.setConfigurationFactoryFactory((klass, validator, mapper, prefix) ->
                new LayeredYamlConfigurationFactory<>(klass, validator, mapper.copy()
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .setInjectableValues(new InjectableValues.Std()
                                .addValue(PluginSections.PluginCatalog.class, catalog)), prefix));
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addCommand(new org.bootproxy.core.certs.CertsCommand());
        bootstrap.addCommand(new org.bootproxy.core.register.RegisterCommand());
        for (LoadedPlugin lp : plugins) {
            if (lp.isLoaded()) {
                addCommands(bootstrap, lp.plugin());
            }
        }
    }

    private static <C extends PluginConfig> void addCommands(Bootstrap<BootproxyConfiguration> bootstrap,
                                                             ProxyPlugin<C> plugin) {
        for (PluginCommand<C> c : plugin.commands()) {
            bootstrap.addCommand(new PluginCommandAdapter<>(plugin, c));
        }
    }

    /** What SIGHUP runs in the server this application started (null before {@code run}). */
    public HangupReload reload() {
        return reload;
    }

    @Override
    public void run(BootproxyConfiguration config, Environment env) {
        reload = new HangupReload(ApplicationConnectors.apply(config));
        env.lifecycle().manage(reload);

        LogBuffer logBuffer = new LogBuffer(config.getLogBuffer(), config.getLogBufferErrors());
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
                LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logBuffer.setContext(root.getLoggerContext());
        logBuffer.start();
        root.addAppender(logBuffer);
        LOG.info("Configuration read from {}", String.join(", ", config.configurationFiles()));
        env.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                root.detachAppender(logBuffer);
                logBuffer.stop();
            }
        });

        // with the connectors' URI compliance: '//' reaches the resources, which collapse it
        env.getApplicationContext().getServletHandler().setDecodeAmbiguousURIs(true);
        env.servlets().addFilter("request-id", new RequestIdFilter())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        RequestBodyLimitFilter bodyLimit = new RequestBodyLimitFilter(config.getMaxRequestBody().toBytes());
        env.servlets().addFilter("max-request-body", bodyLimit)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");

        PluginRoutingFeature routing = new PluginRoutingFeature(
                ClientCertificateAuthFilter.create(config.getTrustedHosts()));
        if (config.getTrustedHosts() == null && config.getHttpPort() != null) {
            LOG.info("trusted_hosts is not set: the protected routes (/tftp, /dhcp, /v2/features, /logs) answer "
                    + "HTTP callers on this host only; set trusted_hosts (or use HTTPS client certificates) to "
                    + "admit others");
        }
        env.jersey().register(routing);
        env.jersey().register(new org.bootproxy.core.metrics.ApiRequestMetrics(env.metrics()));
        env.admin().addServlet("prometheus", org.bootproxy.core.metrics.PrometheusExport.servlet(env.metrics()))
                .addMapping(org.bootproxy.core.metrics.PrometheusExport.PATH);
        env.jersey().register(new ErrorMappers.WebApplication());
        env.jersey().register(new ErrorMappers.Json());
        env.jersey().register(new ErrorMappers.Unexpected());
        env.jersey().register(new ErrorMappers.ErrorContentType());

        BoundPorts bound = new BoundPorts();
        env.lifecycle().addServerLifecycleListener(bound);
        PluginStarter starter = new PluginStarter(version(), config.getHttpPort(), config.getHttpsPort(),
                config.getBindHost(), bound::http, bound::https, env.metrics(), env.getObjectMapper(),
                env.getValidator());
        PluginHandlers pluginHandlers = new PluginHandlers();
        PluginRuntime rt = starter.startAll(plugins, config.getPlugins(), new PluginStarter.Mounter() {
            @Override
            public void mountResource(Object resource, Enablement listeners, boolean isProtected) {
                routing.mount(resource.getClass(), listeners, isProtected);
                env.jersey().register(resource);
            }

            @Override
            public void healthCheck(String name, HealthCheck check) {
                env.healthChecks().register(name, check);
            }

            @Override
            public void handler(org.eclipse.jetty.server.Handler handler) {
                pluginHandlers.add(handler);
            }
        });
        if (!pluginHandlers.isEmpty()) {
            // the server's handler tree exists only once Dropwizard has built the server
            env.lifecycle().addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(LifeCycle event) {
                    if (event instanceof Server server) {
                        pluginHandlers.mountOn(server);
                    }
                }
            });
        }

        boolean http = config.getHttpPort() != null;
        boolean https = config.httpsConfigured();
        env.jersey().register(new RootResource(rt, version()));
        FeaturesResource features = new FeaturesResource(rt, http, https);
        routing.mount(FeaturesResource.class, Enablement.TRUE, true);
        env.jersey().register(features);
        routing.mount(LogsResource.class, Enablement.TRUE, true);
        env.jersey().register(new LogsResource(logBuffer, rt));

        for (PluginRuntime.Entry e : rt.all()) {
            // one gauge per (plugin, state), 1 for the current one: bootproxy_plugin_state{plugin,state}
            for (PluginState st : PluginState.values()) {
                env.metrics().register("plugins.state." + e.name() + "." + st.json(),
                        (com.codahale.metrics.Gauge<Integer>) () -> e.state() == st ? 1 : 0);
            }
            env.healthChecks().register("plugin-" + e.name(), new HealthCheck() {
                @Override
                protected Result check() {
                    if (e.state() == PluginState.FAILED) {
                        return Result.unhealthy(e.failure());
                    }
                    java.util.Optional<String> degraded = e.state() == PluginState.RUNNING
                            ? e.running().degraded() : java.util.Optional.empty();
                    return degraded.isPresent() ? Result.unhealthy("degraded: " + degraded.get())
                            : Result.healthy(e.state().json());
                }
            });
        }

        env.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                List<PluginRuntime.Entry> running = new ArrayList<>(rt.running());
                Collections.reverse(running);
                for (PluginRuntime.Entry e : running) {
                    try {
                        e.running().stop();
                        LOG.info("Plugin {} stopped", e.name());
                    } catch (RuntimeException ex) {
                        LOG.warn("Plugin {} did not stop cleanly: {}", e.name(), ex.toString());
                    }
                }
            }
        });
        env.lifecycle().addServerLifecycleListener(server -> LOG.info("{}", StartupSummary.line(server, rt)));
    }
}
