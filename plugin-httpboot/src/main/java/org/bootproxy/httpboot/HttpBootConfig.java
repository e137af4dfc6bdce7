package org.bootproxy.httpboot;

import org.bootproxy.spi.PluginConfig;

/** {@code plugins.httpboot} in the YAML. */
public final class HttpBootConfig extends PluginConfig {
}
