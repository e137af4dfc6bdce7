package org.bootproxy.httpboot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code httpboot} feature: UEFI HTTP(S) Boot, iPXE and GRUB fetch regular files of
 * {@code root_dir} over {@code /httpboot/<path>} and {@code /EFI/<path>} (API.md, HTTPBoot).
 */
public final class HttpBootPlugin implements ProxyPlugin<HttpBootConfig> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpBootPlugin.class);

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
    public List<String> exposedSettings() {
        return List.of("http_port", "https_port");
    }

    /**
     * {@code root_dir}: when it exists, a readable directory that is no symbolic link (files are
     * reached without following links). A missing one is no problem: the plugin answers 404 until
     * it exists (the TFTP plugin creates the shared root).
     */
    @Override
    public List<String> check(HttpBootConfig config, PluginContext context) {
        Path root = Path.of(config.getRootDir());
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        return org.bootproxy.spi.Checks.directory("root_dir", root, false).stream().toList();
    }

    @Override
    public RunningPlugin start(HttpBootConfig config, PluginContext context) {
        RunningHttpBoot running = config.build(context);
        if (!Files.isDirectory(Path.of(config.getRootDir()))) {
            LOG.warn("httpboot root_dir {} does not exist yet: answering 404 until it does", config.getRootDir());
        }
        return running;
    }
}
