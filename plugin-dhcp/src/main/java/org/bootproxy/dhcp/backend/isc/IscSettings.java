package org.bootproxy.dhcp.backend.isc;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;

/** {@code plugins.dhcp.isc}: names as smart-proxy's {@code dhcp_isc.yml}. */
public final class IscSettings {

    /** dhcpd's OMAPI address. */
    @NotEmpty
    @JsonProperty("server")
    String server = "127.0.0.1";

    @Min(1)
    @Max(65535)
    @JsonProperty("omapi_port")
    int omapiPort = 7911;

    /** The {@code key} name dhcpd.conf's {@code omapi-key} names; empty: unauthenticated OMAPI. */
    @JsonProperty("key_name")
    String keyName;

    /** The key's base64 secret (HMAC-MD5), as in dhcpd.conf's {@code key} statement. */
    @JsonProperty("key_secret")
    String keySecret;

    @NotNull
    @JsonProperty("config")
    Path config = Path.of("/etc/dhcp/dhcpd.conf");

    @NotNull
    @JsonProperty("leases")
    Path leases = Path.of("/var/lib/dhcp/dhcpd.leases");

    /** Bound of the TCP connect to OMAPI. */
    @NotNull
    @JsonProperty("connect_timeout")
    Duration connectTimeout = Duration.seconds(3);

    /** Bound of waiting for one OMAPI answer. */
    @NotNull
    @JsonProperty("read_timeout")
    Duration readTimeout = Duration.seconds(5);

    /** How often dhcpd.leases is checked for appends and rewrites. */
    @NotNull
    @JsonProperty("leases_poll_interval")
    Duration leasesPollInterval = Duration.milliseconds(200);
}
