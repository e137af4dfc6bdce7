package org.bootproxy.httpboot;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;
import jakarta.validation.Valid;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.RunningPlugin;

/**
 * A minimal Dropwizard application that mounts the plugin's public resources the way the core
 * does, on a real Jetty + Jersey, so the plugin's HTTP behaviour is tested before and apart from
 * the core application (whose own tests cover mounting, auth and listeners).
 */
public final class StandInApp extends Application<StandInApp.Config> {

    /** The stand-in's YAML: Dropwizard's server section plus the plugin's section. */
    public static final class Config extends Configuration {
        @Valid
        @JsonProperty
        public HttpBootConfig httpboot = new HttpBootConfig();
    }

    /** The last started plugin, for tests that look at its metrics or settings. */
    public static volatile RunningPlugin running;
    public static volatile MetricRegistry metrics;

    @Override
    public void run(Config config, Environment environment) throws Exception {
        PluginContext context = new PluginContext() {
            @Override
            public String pluginName() {
                return "httpboot";
            }

            @Override
            public String proxyVersion() {
                return "test";
            }

            @Override
            public Listeners listeners() {
                return new Listeners(8000, 8443, "127.0.0.1", true, false);
            }

            @Override
            public MetricRegistry metrics() {
                return environment.metrics();
            }

            @Override
            public ObjectMapper objectMapper() {
                return environment.getObjectMapper();
            }
        };
        RunningPlugin plugin = new HttpBootPlugin().start(config.httpboot, context);
        plugin.publicResources().forEach(environment.jersey()::register);
        running = plugin;
        metrics = environment.metrics();
    }
}
