package org.bootproxy.tftp;

import com.codahale.metrics.health.HealthCheck;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;
import org.bootproxy.tftp.api.TftpApi;
import org.bootproxy.tftp.mina.ListenAddress;
import org.bootproxy.tftp.mina.TftpHealthCheck;
import org.bootproxy.tftp.mina.TftpServer;
import org.bootproxy.tftp.transfer.TransferSettings;

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

    /**
     * {@code root}: a directory (or one that can be created) that is no symbolic link and is
     * writable (the API writes boot configs there); {@code listen}: a valid address whose UDP
     * port is free.
     */
    @Override
    public List<String> check(TftpConfig config, PluginContext context) {
        List<String> problems = new java.util.ArrayList<>();
        org.bootproxy.spi.Checks.creatableDirectory("root", config.getRoot(), true).ifPresent(problems::add);
        try {
            java.net.InetSocketAddress a = ListenAddress.parse(config.getListen());
            org.bootproxy.spi.Checks.udpPortFree("listen", a.getAddress().getHostAddress(), a.getPort())
                    .ifPresent(problems::add);
        } catch (RuntimeException e) {
            problems.add("listen " + config.getListen() + " is not a valid address: " + e.getMessage());
        }
        return problems;
    }

    @Override
    public RunningPlugin start(TftpConfig config, PluginContext context) throws Exception {
        TftpServer server = startServer(config, context);
        TftpApi api;
        try {
            api = TftpApi.start(config, context.proxyVersion());
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
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
            public Map<String, HealthCheck> healthChecks() {
                return Map.of("server", new TftpHealthCheck(server));
            }

            @Override
            public String describe() {
                java.net.InetSocketAddress a = server.localAddress();
                return "root=" + config.getRoot() + " listen=" + a.getAddress().getHostAddress() + ":" + a.getPort();
            }

            @Override
            public void stop() {
                try {
                    server.stop();
                } finally {
                    api.close();
                }
            }
        };
    }

    /** The TFTP server on {@code plugins.tftp.listen}, serving {@code plugins.tftp.root}. */
    private static TftpServer startServer(TftpConfig config, PluginContext context) throws Exception {
        Files.createDirectories(config.getRoot());
        TransferSettings settings = new TransferSettings(config.getMaxBlksize(), config.getMaxWindowsize(),
                Duration.ofMillis(config.getTimeout().toMilliseconds()), config.getRetries());
        TftpServer server = new TftpServer(ListenAddress.parse(config.getListen()),
                org.bootproxy.spi.files.ServedRoot.of(config.getRoot()), settings, config.getMaxTransfers(),
                config.getMaxTransfersPerClient(), context.metrics());
        server.start();
        return server;
    }
}
