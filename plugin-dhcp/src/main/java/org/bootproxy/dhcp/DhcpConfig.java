package org.bootproxy.dhcp;

import org.bootproxy.spi.PluginConfig;

/** {@code plugins.dhcp} in the YAML. */
public final class DhcpConfig extends PluginConfig {
}
