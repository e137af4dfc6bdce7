package org.bootproxy.spi;

import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The proxy's HTTP and HTTPS listeners, and the plugin's place on them.
 *
 * <p>Ports are those the listeners are bound to: a configured port, or, when the configuration
 * asks for port 0 (tests), the port the system chose once the server has started. Read them when
 * they are needed (e.g. per request), not once in {@code start()}. Thread-safe.
 */
public final class Listeners {

    private final Integer httpPort;
    private final Integer httpsPort;
    private final String bindHost;
    private final boolean onHttp;
    private final boolean onHttps;
    private final IntSupplier actualHttpPort;
    private final IntSupplier actualHttpsPort;

    /**
     * @param httpPort the HTTP listener's port, or {@code null} when there is no HTTP listener
     * @param httpsPort the HTTPS listener's port, or {@code null} when there is no HTTPS listener
     * @param bindHost the address the listeners bind to ({@code *} for all)
     * @param onHttp whether this plugin is mounted on the HTTP listener
     * @param onHttps whether this plugin is mounted on the HTTPS listener
     */
    public Listeners(Integer httpPort, Integer httpsPort, String bindHost, boolean onHttp, boolean onHttps) {
        this(httpPort, httpsPort, bindHost, onHttp, onHttps, () -> -1, () -> -1);
    }

    /**
     * As above, with suppliers of the bound ports (negative while not bound) that replace a
     * configured port 0.
     */
    public Listeners(Integer httpPort, Integer httpsPort, String bindHost, boolean onHttp, boolean onHttps,
                     IntSupplier actualHttpPort, IntSupplier actualHttpsPort) {
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.bindHost = bindHost;
        this.onHttp = onHttp;
        this.onHttps = onHttps;
        this.actualHttpPort = actualHttpPort;
        this.actualHttpsPort = actualHttpsPort;
    }

    private static Integer resolve(Integer configured, IntSupplier actual) {
        if (configured == null) {
            return null;
        }
        if (configured == 0) {
            int p = actual.getAsInt();
            return p > 0 ? p : 0;
        }
        return configured;
    }

    /** The HTTP listener's port, or {@code null} when there is no HTTP listener. */
    public Integer httpPort() {
        return resolve(httpPort, actualHttpPort);
    }

    /** The HTTPS listener's port, or {@code null} when there is no HTTPS listener. */
    public Integer httpsPort() {
        return resolve(httpsPort, actualHttpsPort);
    }

    /** The address the listeners bind to ({@code *} for all). */
    public String bindHost() {
        return bindHost;
    }

    /** Whether this plugin is mounted on the HTTP listener. */
    public boolean onHttp() {
        return onHttp;
    }

    /** Whether this plugin is mounted on the HTTPS listener. */
    public boolean onHttps() {
        return onHttps;
    }

    /** The HTTP port when this plugin is mounted on the HTTP listener. */
    public Optional<Integer> pluginHttpPort() {
        return onHttp ? Optional.ofNullable(httpPort()) : Optional.empty();
    }

    /** The HTTPS port when this plugin is mounted on the HTTPS listener. */
    public Optional<Integer> pluginHttpsPort() {
        return onHttps ? Optional.ofNullable(httpsPort()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "Listeners[http=" + httpPort() + ", https=" + httpsPort() + ", bind=" + bindHost + ", onHttp=" + onHttp
                + ", onHttps=" + onHttps + "]";
    }
}
