package org.bootproxy.spi;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the core gives a plugin when it starts. Thread-safe; valid for the plugin's lifetime.
 */
public interface PluginContext {

    /** The plugin's feature name. */
    String pluginName();

    /** The proxy's version. */
    String proxyVersion();

    /** The proxy's listeners and whether this plugin is mounted on each. */
    Listeners listeners();

    /** The application's metric registry; name metrics {@code <plugin>.<metric>}. */
    MetricRegistry metrics();

    /** The application's Jackson mapper (already configured; do not reconfigure). */
    ObjectMapper objectMapper();
}
