package org.bootproxy.tftp;

import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;

/** The {@code tftp} feature. */
public final class TftpPlugin implements ProxyPlugin<TftpConfig> {

    @Override
    public String name() {
        return "tftp";
    }

    @Override
    public String version() {
        String v = TftpPlugin.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public int spiVersion() {
        return PluginSpi.VERSION;
    }

    @Override
    public Class<TftpConfig> configClass() {
        return TftpConfig.class;
    }

    @Override
    public RunningPlugin start(TftpConfig config, PluginContext context) {
        return () -> { };
    }
}
