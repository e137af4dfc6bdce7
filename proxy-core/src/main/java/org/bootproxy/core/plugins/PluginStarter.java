package org.bootproxy.core.plugins;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bootproxy.core.config.YamlKeyPaths;
import org.bootproxy.spi.Enablement;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes each loaded plugin through validation and start, recording the outcome in a
 * {@link PluginRuntime}. A plugin that fails to load, validate or start is {@code failed} with
 * the reason, logged once at ERROR; the others are unaffected.
 */
public final class PluginStarter {

    private static final Logger LOG = LoggerFactory.getLogger(PluginStarter.class);

    /** Where a started plugin's resources and health checks go. */
    public interface Mounter {
        void mountResource(Object resource, Enablement listeners, boolean isProtected);

        void healthCheck(String name, HealthCheck check);

        void handler(org.eclipse.jetty.server.Handler handler);
    }

    private record Context(String pluginName, String proxyVersion, Listeners listeners, MetricRegistry metrics,
                           ObjectMapper objectMapper) implements PluginContext {
    }

    private final String proxyVersion;
    private final Integer httpPort;
    private final Integer httpsPort;
    private final String bindHost;
    private final MetricRegistry metrics;
    private final ObjectMapper mapper;
    private final Validator validator;

    private final java.util.function.IntSupplier boundHttpPort;
    private final java.util.function.IntSupplier boundHttpsPort;

    /**
     * @param boundHttpPort the HTTP listener's bound port once started (for a configured port 0)
     * @param boundHttpsPort likewise for HTTPS
     */
    public PluginStarter(String proxyVersion, Integer httpPort, Integer httpsPort, String bindHost,
                         java.util.function.IntSupplier boundHttpPort, java.util.function.IntSupplier boundHttpsPort,
                         MetricRegistry metrics, ObjectMapper mapper, Validator validator) {
        this.boundHttpPort = boundHttpPort;
        this.boundHttpsPort = boundHttpsPort;
        this.proxyVersion = proxyVersion;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.bindHost = bindHost;
        this.metrics = metrics;
        this.mapper = mapper;
        this.validator = validator;
    }

    /** Starts every loaded plugin that its section enables. */
    public PluginRuntime startAll(List<LoadedPlugin> loaded, PluginSections sections, Mounter mounter) {
        PluginRuntime runtime = new PluginRuntime();
        for (LoadedPlugin lp : loaded) {
            runtime.put(startOne(lp, sections, mounter));
        }
        return runtime;
    }

    private PluginRuntime.Entry startOne(LoadedPlugin lp, PluginSections sections, Mounter mounter) {
        if (!lp.isLoaded()) {
            LOG.error("Plugin {} failed to load: {}", lp.name(), lp.loadFailure());
            return new PluginRuntime.Entry(lp.name(), null, lp.source(), PluginState.FAILED, Enablement.FALSE,
                    List.of(), null, lp.loadFailure());
        }
        ProxyPlugin<? extends PluginConfig> plugin = lp.plugin();
        String name = plugin.name();
        List<String> exposed;
        String version;
        try {
            exposed = List.copyOf(plugin.exposedSettings());
            version = plugin.version();
        } catch (RuntimeException | LinkageError e) {
            return failed(lp, "?", List.of(), "plugin " + name + " from " + lp.source() + " is broken: " + e);
        }
        LOG.info("Loaded plugin {} {} from {}", name, version, lp.source());
        PluginConfig section = sections.section(name).orElseGet(() -> PluginSections.newInstance(plugin.configClass()));
        Enablement enabled = section.getEnabled();
        if (!enabled.enabled()) {
            LOG.info("Plugin {} is disabled", name);
            return new PluginRuntime.Entry(name, version, lp.source(), PluginState.DISABLED, Enablement.FALSE, exposed,
                    null, null);
        }
        Set<ConstraintViolation<PluginConfig>> violations = validator.validate(section);
        if (!violations.isEmpty()) {
            List<String> msgs = new YamlKeyPaths(mapper).describe("plugins." + name + ".", plugin.configClass(),
                    violations);
            return failed(lp, version, exposed, "invalid configuration: " + String.join("; ", msgs));
        }
        if (enabled.http() && httpPort == null && !enabled.https()) {
            LOG.warn("Plugin {} is enabled on http, but there is no HTTP listener (http_port)", name);
        }
        if (enabled.https() && httpsPort == null && !enabled.http()) {
            LOG.warn("Plugin {} is enabled on https, but there is no HTTPS listener (https_port)", name);
        }
        Listeners listeners = new Listeners(httpPort, httpsPort, bindHost, enabled.http() && httpPort != null,
                enabled.https() && httpsPort != null, boundHttpPort, boundHttpsPort);
        Context ctx = new Context(name, proxyVersion, listeners, metrics, mapper);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(plugin.getClass().getClassLoader());
        RunningPlugin running;
        try {
            running = start(plugin, section, ctx);
            if (running == null) {
                return failed(lp, version, exposed, "start() returned nothing");
            }
            for (Object r : running.publicResources()) {
                mounter.mountResource(r, enabled, false);
            }
            for (Object r : running.protectedResources()) {
                mounter.mountResource(r, enabled, true);
            }
            for (org.eclipse.jetty.server.Handler h : running.handlers()) {
                mounter.handler(h);
            }
            for (Map.Entry<String, HealthCheck> hc : running.healthChecks().entrySet()) {
                mounter.healthCheck(name + "." + hc.getKey(), hc.getValue());
            }
        } catch (Exception | LinkageError e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            return failed(lp, version, exposed, reason, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        LOG.info("Plugin {} is running on {}", name, listeners.onHttp() && listeners.onHttps() ? "http and https"
                : listeners.onHttp() ? "http" : listeners.onHttps() ? "https" : "no listener");
        return new PluginRuntime.Entry(name, version, lp.source(), PluginState.RUNNING, enabled, exposed, running,
                null);
    }

    private static PluginRuntime.Entry failed(LoadedPlugin lp, String version, List<String> exposed, String reason) {
        return failed(lp, version, exposed, reason, null);
    }

    private static PluginRuntime.Entry failed(LoadedPlugin lp, String version, List<String> exposed, String reason,
                                              Throwable cause) {
        if (cause == null) {
            LOG.error("Plugin {} failed: {}", lp.name(), reason);
        } else {
            LOG.error("Plugin {} failed: {}", lp.name(), reason, cause);
        }
        return new PluginRuntime.Entry(lp.name(), version, lp.source(), PluginState.FAILED, Enablement.FALSE, exposed,
                null, reason);
    }

    private static <C extends PluginConfig> RunningPlugin start(ProxyPlugin<C> plugin, PluginConfig section,
                                                                PluginContext ctx) throws Exception {
        return plugin.start(plugin.configClass().cast(section), ctx);
    }
}
