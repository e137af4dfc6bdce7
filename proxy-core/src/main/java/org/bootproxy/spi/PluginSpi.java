package org.bootproxy.spi;

/**
 * The version of the plugin SPI in this core.
 *
 * <p>A plugin returns {@link #VERSION} from {@link ProxyPlugin#spiVersion()}; because it is a
 * compile-time constant, javac copies the value into the plugin's class file, so the core sees
 * the SPI version the plugin was compiled against and refuses a plugin built for another one.
 * Bump it on any change that breaks source or binary compatibility of {@code org.bootproxy.spi}.
 *
 * <p>The SPI is not only {@code org.bootproxy.spi}: a plugin also compiles against the third-party
 * APIs its types name, which the core provides and a plugin must not bundle — Jakarta RESTful Web
 * Services 3.1 (resources), Dropwizard Metrics ({@code MetricRegistry}, {@code HealthCheck}),
 * Jackson and Bean Validation (configuration classes), SLF4J, and Jetty 12's core
 * {@code org.eclipse.jetty.server.Handler} (the optional hot path of
 * {@link RunningPlugin#handlers()}). A major-version change of any of them is an SPI change and
 * bumps {@link #VERSION}, so a plugin built against the old one is refused by name rather than
 * failing with a linkage error at its first request.
 */
public final class PluginSpi {
    /** The SPI version this core implements. */
    public static final int VERSION = 1;

    private PluginSpi() {
    }
}
