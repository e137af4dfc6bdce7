package org.bootproxy.tftp;

import org.bootproxy.spi.PluginConfig;

/** {@code plugins.tftp} in the YAML. */
public final class TftpConfig extends PluginConfig {
}
