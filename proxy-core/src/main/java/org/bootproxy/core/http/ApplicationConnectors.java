package org.bootproxy.core.http;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.UriCompliance;
import org.bootproxy.core.BootproxyConfiguration;

/**
 * Builds the application connectors from the smart-proxy style keys: an HTTP connector for
 * {@code http_port} and a PEM-based HTTPS connector for {@code https_port}. Both bind
 * {@code bind_host}. Dropwizard's {@code server.applicationConnectors} is replaced.
 */
public final class ApplicationConnectors {

    private ApplicationConnectors() {
    }

    /** A configuration mistake about listeners; the message names the key or file. */
    public static final class ListenerConfigException extends RuntimeException {
        public ListenerConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Jetty's default URI compliance, except that an empty segment ({@code //}) is allowed: API.md
     * wants {@code //} treated as {@code /} in boot paths (httpboot collapses it through the
     * shared path policy). Every other ambiguity ({@code %2f}, {@code ..} encodings) stays refused.
     */
    static final UriCompliance URI_COMPLIANCE = UriCompliance.DEFAULT.with("bootproxy",
            UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT);

    /**
     * Selector threads per application listener: twice the CPUs, as Netty sizes its event loops.
     * Plugin handlers that do not block (httpboot) run on these threads directly (see
     * {@code PluginHandlers}), so they do the serving, not only the polling; Jetty's default
     * (half the CPUs) left one of two CPUs idle. bench/httpboot.sh, 4 KiB file, 2 CPUs: 1 selector
     * 70-77k req/s, 2: 89-91k, 4: 102-105k, 8: 88-103k.
     */
    static final int SELECTOR_THREADS = 2 * Runtime.getRuntime().availableProcessors();

    /** Where an admin connector without {@code bindHost} listens. */
    public static final String ADMIN_DEFAULT_BIND_HOST = "127.0.0.1";

    /**
     * The admin connector serves {@code /tasks} (log levels, garbage collection) and
     * {@code /threads} without authentication, so it must never be reachable from the network
     * because a key was left out: an admin connector without {@code bindHost} (Dropwizard's default
     * is every address) binds {@value #ADMIN_DEFAULT_BIND_HOST}. An operator who wants it elsewhere
     * names the address ({@code 0.0.0.0} for all).
     */
    static void adminOnLoopbackByDefault(DefaultServerFactory dsf) {
        for (ConnectorFactory c : dsf.getAdminConnectors()) {
            if (c instanceof HttpConnectorFactory h && h.getBindHost() == null) {
                h.setBindHost(ADMIN_DEFAULT_BIND_HOST);
            }
        }
    }

    /**
     * Replaces the server factory's application connectors.
     *
     * @return the HTTPS listener's reloader, empty without {@code https_port}
     */
    public static Optional<TlsReloader> apply(BootproxyConfiguration config) {
        ServerFactory sf = config.getServerFactory();
        if (!(sf instanceof DefaultServerFactory dsf)) {
            throw new ListenerConfigException("server.type must be 'default' (bootproxy builds its own listeners "
                    + "from http_port and https_port)", null);
        }
        List<ConnectorFactory> connectors = new ArrayList<>();
        Optional<TlsReloader> tls = Optional.empty();
        String bind = "*".equals(config.getBindHost()) ? null : config.getBindHost();
        if (config.getHttpPort() != null) {
            HttpConnectorFactory http = new HttpConnectorFactory();
            http.setPort(config.getHttpPort());
            http.setBindHost(bind);
            http.setUriCompliance(URI_COMPLIANCE);
            http.setSelectorThreads(Optional.of(SELECTOR_THREADS));
            connectors.add(http);
        }
        if (config.getHttpsPort() != null) {
            if (!config.httpsConfigured()) {
                throw new ListenerConfigException("https_port is set but ssl_certificate, ssl_private_key and "
                        + "ssl_ca_file are not all set", null);
            }
            try {
                PemHttpsConnectorFactory https = new PemHttpsConnectorFactory(config.getSslCertificate(),
                        config.getSslPrivateKey(), config.getSslCaFile(), config.getTlsProtocols(),
                        config.isTlsRsaKeyExchange(), config.getSslDisabledCiphers());
                https.setPort(config.getHttpsPort());
                https.setBindHost(bind);
                https.setUriCompliance(URI_COMPLIANCE);
                https.setSelectorThreads(Optional.of(SELECTOR_THREADS));
                connectors.add(https);
                tls = Optional.of(https.tlsReloader());
            } catch (PemKeyStores.PemException e) {
                throw new ListenerConfigException(e.getMessage(), e);
            }
        }
        if (connectors.isEmpty()) {
            throw new ListenerConfigException("no listener: set http_port and/or https_port", null);
        }
        dsf.setApplicationConnectors(connectors);
        adminOnLoopbackByDefault(dsf);
        // API errors are bootproxy's own (plain text, API.md); Dropwizard's JSON mappers would change them
        dsf.setRegisterDefaultExceptionMappers(false);
        // boot images are served as they are: compressing them costs CPU, drops Content-Length
        // (which firmware needs) and gains nothing on already-compressed kernels
        dsf.getGzipFilterFactory().setExcludedPaths(Set.of("/httpboot/*", "/EFI/*"));
        return tls;
    }
}
