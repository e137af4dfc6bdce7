package org.bootproxy.tftp;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;
import org.bootproxy.tftp.api.TftpApi;

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
    public List<String> exposedSettings() {
        return List.of("tftp_servername");
    }

    @Override
    public RunningPlugin start(TftpConfig config, PluginContext context) {
        TftpApi api = TftpApi.start(config, context.proxyVersion());
        return new RunningPlugin() {
            @Override
            public List<Object> protectedResources() {
                return List.of(api.resource());
            }

            @Override
            public Map<String, Object> settings() {
                // a null servername is shown as null, as upstream does
                return Collections.singletonMap("tftp_servername", config.getTftpServername());
            }

            @Override
            public void stop() {
                api.close();
            }
        };
    }
}
