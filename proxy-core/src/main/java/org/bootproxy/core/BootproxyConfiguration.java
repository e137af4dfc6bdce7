package org.bootproxy.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bootproxy.core.config.LayeredYamlConfigurationFactory;
import org.bootproxy.core.plugins.PluginSections;

/**
 * {@code bootproxy.yml}. The top-level keys follow Foreman's smart-proxy {@code settings.yml}
 * ({@code http_port}, {@code https_port}, {@code bind_host}, {@code ssl_*}, {@code trusted_hosts});
 * each plugin's settings are its section under {@code plugins:}. Dropwizard's own sections
 * ({@code server} for the admin connector and thread pools, {@code logging}, {@code metrics})
 * keep their meaning; the application connectors are built from {@code http_port} and
 * {@code https_port}, not from {@code server.applicationConnectors}.
 */
public class BootproxyConfiguration extends Configuration implements LayeredYamlConfigurationFactory.Layered {

    /** Port of the HTTP listener; absent or null: no HTTP listener. */
    @Min(0)
    @Max(65535)
    @JsonProperty("http_port")
    private Integer httpPort;

    /** Port of the HTTPS listener; needs ssl_certificate, ssl_private_key and ssl_ca_file. */
    @Min(0)
    @Max(65535)
    @JsonProperty("https_port")
    private Integer httpsPort;

    /** Address both listeners bind to; {@code *} for every address. */
    @NotEmpty
    @JsonProperty("bind_host")
    private String bindHost = "*";

    /** PEM certificate (chain) of the HTTPS listener. */
    @JsonProperty("ssl_certificate")
    private Path sslCertificate;

    /** PEM private key (RSA or EC, PKCS#1 or PKCS#8, unencrypted) of the HTTPS listener. */
    @JsonProperty("ssl_private_key")
    private Path sslPrivateKey;

    /** PEM CA bundle that client certificates are verified against. */
    @JsonProperty("ssl_ca_file")
    private Path sslCaFile;

    /**
     * Client identities allowed on protected routes (certificate CN or SAN DNS name on HTTPS,
     * forward-verified reverse-DNS name on HTTP). Unset: no host check; empty: nobody.
     */
    @JsonProperty("trusted_hosts")
    private List<String> trustedHosts;

    /** TLS protocol versions offered; TLS 1.2 and 1.3 by default. */
    @NotEmpty
    @JsonProperty("tls_protocols")
    private List<String> tlsProtocols = new ArrayList<>(List.of("TLSv1.2", "TLSv1.3"));

    /**
     * Offer TLS 1.2 RSA key-exchange AES-GCM suites after the ECDHE ones. UEFI firmware (EDK2 /
     * OVMF 2022.11) HTTPS Boot needs one; set false where policy forbids them.
     */
    @JsonProperty("tls_rsa_key_exchange")
    private boolean tlsRsaKeyExchange = true;

    /** Cipher suites to remove (exact names or Java regular expressions). */
    @NotNull
    @JsonProperty("ssl_disabled_ciphers")
    private List<String> sslDisabledCiphers = new ArrayList<>();

    /** Records kept in memory for {@code /logs}. */
    @Min(0)
    @Max(1_000_000)
    @JsonProperty("log_buffer")
    private int logBuffer = 2000;

    /** Extra records of level WARN and above kept for {@code /logs} after they left the main buffer. */
    @Min(0)
    @Max(1_000_000)
    @JsonProperty("log_buffer_errors")
    private int logBufferErrors = 1000;

    @NotNull
    /** Largest request body the REST API reads (forms are a few KiB); larger → 413. */
    @NotNull
    @JsonProperty("max_request_body")
    private io.dropwizard.util.DataSize maxRequestBody = io.dropwizard.util.DataSize.mebibytes(1);

    @JsonProperty("plugins")
    private PluginSections plugins = PluginSections.empty();

    /** The files this configuration was read from, main file first (not a YAML key). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    private List<String> configurationFiles = List.of();

    @Override
    public void configurationFiles(List<String> files) {
        this.configurationFiles = List.copyOf(files);
    }

    /** The files this configuration was read from: the main file, then its {@code conf.d/*.yml} in order. */
    public List<String> configurationFiles() {
        return configurationFiles;
    }

    public Integer getHttpPort() {
        return httpPort;
    }

    public Integer getHttpsPort() {
        return httpsPort;
    }

    public String getBindHost() {
        return bindHost;
    }

    public Path getSslCertificate() {
        return sslCertificate;
    }

    public Path getSslPrivateKey() {
        return sslPrivateKey;
    }

    public Path getSslCaFile() {
        return sslCaFile;
    }

    public List<String> getTrustedHosts() {
        return trustedHosts;
    }

    public List<String> getTlsProtocols() {
        return tlsProtocols;
    }

    public boolean isTlsRsaKeyExchange() {
        return tlsRsaKeyExchange;
    }

    public List<String> getSslDisabledCiphers() {
        return sslDisabledCiphers;
    }

    public int getLogBuffer() {
        return logBuffer;
    }

    public int getLogBufferErrors() {
        return logBufferErrors;
    }

    /** Largest request body the REST API reads; a larger one is refused with 413. */
    public io.dropwizard.util.DataSize getMaxRequestBody() {
        return maxRequestBody;
    }

    public PluginSections getPlugins() {
        return plugins;
    }

    /** Whether the HTTPS listener is configured (a port and all three PEM files). */
    public boolean httpsConfigured() {
        return httpsPort != null && sslCertificate != null && sslPrivateKey != null && sslCaFile != null;
    }
}
