package org.bootproxy.core.testplugins;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;

/** A test plugin whose start fails. */
public final class BrokenPlugin implements ProxyPlugin<BrokenPlugin.Config> {

    public static final class Config extends PluginConfig {
    }

    @Path("/broken")
    public static final class Resource {
        @GET
        public String get() {
            return "should never be mounted";
        }
    }

    @Override
    public String name() {
        return "broken";
    }

    @Override
    public String version() {
        return "0.0.1";
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
        return List.of("broken_setting");
    }

    @Override
    public RunningPlugin start(Config config, PluginContext context) {
        throw new IllegalStateException("cannot bind 192.0.2.1:69: address not available");
    }
}
