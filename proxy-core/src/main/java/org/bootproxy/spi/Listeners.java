package org.bootproxy.spi;

import java.util.Optional;

/**
 * The proxy's HTTP and HTTPS listeners as configured, and the plugin's place on them.
 *
 * @param httpPort the HTTP listener's port, or {@code null} when there is no HTTP listener
 * @param httpsPort the HTTPS listener's port, or {@code null} when there is no HTTPS listener
 * @param bindHost the address the listeners bind to ({@code *} for all)
 * @param onHttp whether this plugin is mounted on the HTTP listener
 * @param onHttps whether this plugin is mounted on the HTTPS listener
 */
public record Listeners(Integer httpPort, Integer httpsPort, String bindHost, boolean onHttp, boolean onHttps) {

    /** The HTTP port when this plugin is mounted on the HTTP listener. */
    public Optional<Integer> pluginHttpPort() {
        return onHttp ? Optional.ofNullable(httpPort) : Optional.empty();
    }

    /** The HTTPS port when this plugin is mounted on the HTTPS listener. */
    public Optional<Integer> pluginHttpsPort() {
        return onHttps ? Optional.ofNullable(httpsPort) : Optional.empty();
    }
}
