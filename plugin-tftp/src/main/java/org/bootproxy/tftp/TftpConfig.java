package org.bootproxy.tftp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.List;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.tftp.fetch.AddressPolicy;

/**
 * {@code plugins.tftp} in the YAML. Keys are snake_case like the rest of bootproxy's config.
 * Server settings belong to the TFTP server, the others to the {@code /tftp} API.
 */
public final class TftpConfig extends PluginConfig {

    // ---- shared
    /** The TFTP root: served by the TFTP server, written by the API. */
    @NotNull
    @JsonProperty("root")
    private Path root = Path.of("/var/lib/tftpboot");

    // ---- TFTP server
    /** host:port the TFTP server listens on; {@code 0.0.0.0:69} in production. */
    @NotEmpty
    @JsonProperty("listen")
    private String listen = "0.0.0.0:69";

    /** Largest blksize granted (RFC 2348 allows 8..65464). */
    @Min(8)
    @Max(65464)
    @JsonProperty("max_blksize")
    private int maxBlksize = 65464;

    /** Largest windowsize granted (RFC 7440), 1..64. */
    @Min(1)
    @Max(64)
    @JsonProperty("max_windowsize")
    private int maxWindowsize = 64;

    /** Retransmission timeout when the client asks none (RFC 2349 timeout option overrides it). */
    @NotNull
    @JsonProperty("timeout")
    private Duration timeout = Duration.seconds(1);

    /** Retransmissions of one block/window before a transfer is abandoned. */
    @Min(0)
    @Max(100)
    @JsonProperty("retries")
    private int retries = 5;

    /** Concurrent transfers; a request beyond it gets ERROR 0 "server busy". */
    @Min(1)
    @Max(100000)
    @JsonProperty("max_transfers")
    private int maxTransfers = 1000;

    /**
     * Concurrent transfers of one client address (requests being started included); a request
     * beyond it gets ERROR 0 "server busy", so one host cannot hold every {@code max_transfers}
     * slot. Larger than {@code max_transfers} means no per-client limit.
     */
    @Min(1)
    @Max(100000)
    @JsonProperty("max_transfers_per_client")
    private int maxTransfersPerClient = 64;

    // ---- /tftp API
    /** Shown as {@code serverName} and in {@code /v2/features}; Foreman uses it as next-server. */
    @JsonProperty("tftp_servername")
    private String tftpServername;

    /** fetch_boot_file: TCP connect timeout. */
    @NotNull
    @JsonProperty("connect_timeout")
    private Duration connectTimeout = Duration.seconds(10);

    /** fetch_boot_file: limit for a whole download. */
    @NotNull
    @JsonProperty("download_timeout")
    private Duration downloadTimeout = Duration.minutes(30);

    /** fetch_boot_file: verify the HTTPS server's certificate. */
    @JsonProperty("verify_server_cert")
    private boolean verifyServerCert = true;

    /**
     * fetch_boot_file: networks (CIDR) a download may reach although they are loopback,
     * link-local or this host's own addresses, for a mirror on the proxy's host or link.
     */
    @NotNull
    private List<String> fetchAllowedNetworks = List.of();

    public Path getRoot() {
        return root;
    }

    public String getListen() {
        return listen;
    }

    public int getMaxBlksize() {
        return maxBlksize;
    }

    public int getMaxWindowsize() {
        return maxWindowsize;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public int getRetries() {
        return retries;
    }

    public int getMaxTransfers() {
        return maxTransfers;
    }

    public int getMaxTransfersPerClient() {
        return maxTransfersPerClient;
    }

    public String getTftpServername() {
        return tftpServername;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public Duration getDownloadTimeout() {
        return downloadTimeout;
    }

    public boolean isVerifyServerCert() {
        return verifyServerCert;
    }

    public List<String> getFetchAllowedNetworks() {
        return fetchAllowedNetworks;
    }

    /** Parsed when read, so {@code bootproxy check} names a bad entry. */
    @JsonProperty("fetch_allowed_networks")
    private void setFetchAllowedNetworks(List<String> networks) {
        if (networks != null) {
            AddressPolicy.allowing(networks); // throws IllegalArgumentException naming the bad entry
        }
        this.fetchAllowedNetworks = networks;
    }
}
