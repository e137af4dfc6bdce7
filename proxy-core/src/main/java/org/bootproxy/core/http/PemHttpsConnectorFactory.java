package org.bootproxy.core.http;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dropwizard.jetty.HttpsConnectorFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.util.ssl.SslContextFactory;

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
 */
public final class PemHttpsConnectorFactory extends HttpsConnectorFactory {

    private final Path certificate;
    private final Path privateKey;
    private final Path caFile;
    private final List<String> protocols;
    private final boolean rsaKeyExchange;
    private final List<String> disabledCiphers;

    public PemHttpsConnectorFactory(Path certificate, Path privateKey, Path caFile, List<String> protocols,
                                    boolean rsaKeyExchange, List<String> disabledCiphers) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.caFile = caFile;
        this.protocols = List.copyOf(protocols);
        this.rsaKeyExchange = rsaKeyExchange;
        this.disabledCiphers = List.copyOf(disabledCiphers);
        // read the files now so a bad one fails the start with a message naming it
        PemKeyStores.keyStore(certificate, privateKey);
        PemKeyStores.trustStore(caFile);
        PemKeyStores.verifyServerCertificate(certificate, privateKey, caFile, new java.util.Date());
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

    @Override
    @JsonIgnore
    protected SslContextFactory.Server configureSslContextFactory(SslContextFactory sslContextFactory) {
        SslContextFactory.Server f = super.configureSslContextFactory(sslContextFactory);
        f.setKeyStore(PemKeyStores.keyStore(certificate, privateKey));
        f.setKeyStorePassword(new String(PemKeyStores.PASSWORD));
        f.setKeyManagerPassword(new String(PemKeyStores.PASSWORD));
        f.setTrustStore(PemKeyStores.trustStore(caFile));
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
