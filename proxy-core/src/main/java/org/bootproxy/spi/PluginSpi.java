package org.bootproxy.spi;

/**
 * The version of the plugin SPI in this core.
 *
 * <p>A plugin returns {@link #VERSION} from {@link ProxyPlugin#spiVersion()}; because it is a
 * compile-time constant, javac copies the value into the plugin's class file, so the core sees
 * the SPI version the plugin was compiled against and refuses a plugin built for another one.
 * Bump it on any change that breaks source or binary compatibility of {@code org.bootproxy.spi}.
 */
public final class PluginSpi {
    /** The SPI version this core implements. */
    public static final int VERSION = 1;

    private PluginSpi() {
    }
}
