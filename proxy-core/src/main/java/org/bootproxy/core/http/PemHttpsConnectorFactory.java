package org.bootproxy.core.http;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dropwizard.jetty.HttpsConnectorFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Dropwizard's HTTPS connector, fed from PEM files instead of a Java key store, with bootproxy's
 * TLS policy:
 * <ul>
 *   <li>protocols from {@code tls_protocols} (TLS 1.2 and 1.3 by default);</li>
 *   <li>the client certificate is requested, not required ({@code want}, not {@code need}): the
 *       public routes serve firmware that has none; protected routes check it later;</li>
 *   <li>Jetty excludes every {@code TLS_RSA_*} suite by default; with {@code tls_rsa_key_exchange}
 *       (the default) the AES-GCM ones are allowed again, after the ECDHE suites in the server's
 *       preference order, because EDK2 firmware (OVMF 2022.11) speaks only those.</li>
 * </ul>
 * The PEM files are read and checked when the factory is made (a bad one fails the start naming
 * it); {@link #tlsReloader()} swaps re-read files into the built listener.
 */
public final class PemHttpsConnectorFactory extends HttpsConnectorFactory {

    private final List<String> protocols;
    private final boolean rsaKeyExchange;
    private final List<String> disabledCiphers;
    private final TlsReloader reloader;

    public PemHttpsConnectorFactory(Path certificate, Path privateKey, Path caFile, List<String> protocols,
                                    boolean rsaKeyExchange, List<String> disabledCiphers) {
        this.protocols = List.copyOf(protocols);
        this.rsaKeyExchange = rsaKeyExchange;
        this.disabledCiphers = List.copyOf(disabledCiphers);
        // read the files now so a bad one fails the start with a message naming it
        TlsMaterial initial = TlsMaterial.read(certificate, privateKey, caFile, Instant.now());
        this.reloader = new TlsReloader(certificate, privateKey, caFile, initial, this::configureSslContextFactory);
        setWantClientAuth(true);
        setNeedClientAuth(false);
        setSupportedProtocols(this.protocols);
        if (rsaKeyExchange && JdkTlsPolicy.removed() != null) {
            org.slf4j.LoggerFactory.getLogger(PemHttpsConnectorFactory.class).info("TLS: this JDK's {} lists {};"
                    + " tls_rsa_key_exchange offers the RSA key-exchange AES-GCM suites to firmware anyway, after the"
                    + " forward-secret ones (set it to false to refuse them)", JdkTlsPolicy.PROPERTY,
                    JdkTlsPolicy.removed());
        }
    }

    /** Re-reads this listener's PEM files into it once it is built (SIGHUP's work). */
    @JsonIgnore
    public TlsReloader tlsReloader() {
        return reloader;
    }

    @Override
    public Connector build(Server server, MetricRegistry metrics, String name, ThreadPool threadPool) {
        Connector connector = super.build(server, metrics, name, threadPool);
        // Dropwizard wraps the SslConnectionFactory in a metrics decorator that holds it as a bean
        java.util.Collection<SslConnectionFactory> ssl = connector instanceof ContainerLifeCycle c
                ? c.getContainedBeans(SslConnectionFactory.class) : java.util.List.of();
        if (ssl.size() != 1) {
            throw new IllegalStateException("HTTPS connector " + name + " holds " + ssl.size()
                    + " TLS connection factories, expected 1 (a Dropwizard change?)");
        }
        reloader.attach(ssl.iterator().next().getSslContextFactory());
        return connector;
    }

    /** The policy of the class comment, with the material in use (what the reloader last swapped in). */
    @Override
    @JsonIgnore
    protected SslContextFactory.Server configureSslContextFactory(SslContextFactory sslContextFactory) {
        SslContextFactory.Server f = super.configureSslContextFactory(sslContextFactory);
        reloader.current().applyTo(f);
        f.setWantClientAuth(true);
        f.setNeedClientAuth(false);
        f.setIncludeProtocols(protocols.toArray(String[]::new));
        f.setExcludeProtocols("SSL", "SSLv2", "SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1");
        List<String> excluded = new ArrayList<>(List.of("^.*_(MD5|SHA|SHA1)$", "^SSL_.*$", "^.*_NULL_.*$",
                "^.*_anon_.*$", "^.*_RC4_.*$", "^.*_3DES_.*$", "^.*_CBC_.*$"));
        if (!rsaKeyExchange) {
            excluded.add("^TLS_RSA_.*$");
        }
        excluded.addAll(disabledCiphers);
        f.setExcludeCipherSuites(excluded.toArray(String[]::new));
        f.setUseCipherSuitesOrder(true);
        f.setRenegotiationAllowed(false);
        return f;
    }
}
