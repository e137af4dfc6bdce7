package org.bootproxy.httpboot;

import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;

/** The {@code httpboot} feature. */
public final class HttpBootPlugin implements ProxyPlugin<HttpBootConfig> {

    @Override
    public String name() {
        return "httpboot";
    }

    @Override
    public String version() {
        String v = HttpBootPlugin.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public int spiVersion() {
        return PluginSpi.VERSION;
    }

    @Override
    public Class<HttpBootConfig> configClass() {
        return HttpBootConfig.class;
    }

    @Override
    public RunningPlugin start(HttpBootConfig config, PluginContext context) {
        return () -> { };
    }
}
