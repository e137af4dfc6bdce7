package org.bootproxy.core.testplugins;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;

/** A test plugin meant to be disabled, or enabled on one listener only. */
public final class QuietPlugin implements ProxyPlugin<QuietPlugin.Config> {

    public static final class Config extends PluginConfig {
    }

    @Path("/quiet")
    public static final class Resource {
        @GET
        public String get() {
            return "quiet";
        }
    }

    @Override
    public String name() {
        return "quiet";
    }

    @Override
    public String version() {
        return "0.0.2";
    }

    @Override
    public int spiVersion() {
        return PluginSpi.VERSION;
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public List<String> exposedSettings() {
        return List.of("quiet_port");
    }

    @Override
    public RunningPlugin start(Config config, PluginContext context) {
        return new RunningPlugin() {
            @Override
            public List<Object> protectedResources() {
                return List.of(new Resource());
            }

            @Override
            public java.util.Map<String, Object> settings() {
                return java.util.Map.of("quiet_port", 1);
            }

            @Override
            public void stop() {
            }
        };
    }
}
