package org.bootproxy.dhcp;

import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;

/** The {@code dhcp} feature. */
public final class DhcpPlugin implements ProxyPlugin<DhcpConfig> {

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
    public RunningPlugin start(DhcpConfig config, PluginContext context) {
        return () -> { };
    }
}
