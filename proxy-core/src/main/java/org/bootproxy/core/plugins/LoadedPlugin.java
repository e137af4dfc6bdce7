package org.bootproxy.core.plugins;

import java.util.Objects;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.ProxyPlugin;

/**
 * A plugin provider found at start-up, or the failure to load one.
 *
 * @param name the feature name (for a jar that failed to load: the jar or folder name)
 * @param plugin the provider, or null when loading failed
 * @param source where it came from (jar path, folder, or {@code classpath})
 * @param loadFailure why it could not be loaded, or null
 */
public record LoadedPlugin(String name, ProxyPlugin<? extends PluginConfig> plugin, String source, String loadFailure) {

    public LoadedPlugin {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if ((plugin == null) == (loadFailure == null)) {
            throw new IllegalArgumentException("exactly one of plugin and loadFailure");
        }
    }

    public static LoadedPlugin loaded(ProxyPlugin<? extends PluginConfig> plugin, String source) {
        return new LoadedPlugin(plugin.name(), plugin, source, null);
    }

    public static LoadedPlugin failed(String name, String source, String reason) {
        return new LoadedPlugin(name, null, source, reason);
    }

    public boolean isLoaded() {
        return plugin != null;
    }
}
