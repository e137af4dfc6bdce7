package org.bootproxy.dhcp;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.boot.BootConfig;
import org.bootproxy.dhcp.provider.DhcpProviders;
import org.bootproxy.spi.PluginConfig;

/** {@code plugins.dhcp} in the YAML. */
public final class DhcpConfig extends PluginConfig {

    /**
     * The backend: the name of an installed {@link org.bootproxy.dhcp.provider.DhcpProvider}
     * ({@code embedded}, the built-in server, by default; checked at start).
     */
    @NotEmpty
    @JsonProperty("provider")
    private String provider = "embedded";

    /** Providers' own sections {@code plugins.dhcp.<provider>}, bound to their settings types. */
    private final Map<String, Object> providerSettings = new LinkedHashMap<>();

    /** {@code server}: a full DHCPv4 server; {@code proxy}: proxyDHCP, boot information only. */
    @NotEmpty
    @Pattern(regexp = "server|proxy", message = "must be server or proxy")
    @JsonProperty("mode")
    private String mode = "server";

    /**
     * Interface names (e.g. {@code br0}) or local IPv4 addresses the DHCP server binds to. Empty:
     * the server binds nothing and only the API works, on stored reservations.
     */
    @NotNull
    @JsonProperty("interfaces")
    private List<String> interfaces = new ArrayList<>();

    /**
     * The managed subnets: objects with options (embedded), or plain CIDR strings that limit
     * the subnets an external provider manages (empty: all of them).
     */
    @Valid
    @NotNull
    @JsonProperty("subnets")
    private List<SubnetConfig> subnets = new ArrayList<>();

    /**
     * The DHCPv6 subnets of the embedded server (stateful IA_NA, boot URLs in option 59). Empty: no
     * DHCPv6 server. It binds the same {@code interfaces}, only with the {@code embedded} provider
     * in {@code server} mode.
     */
    @Valid
    @NotNull
    @JsonProperty("subnets6")
    private List<Subnet6Config> subnets6 = new ArrayList<>();

    /** Where the embedded backend keeps its reservations and leases. */
    @NotNull
    @JsonProperty("state_dir")
    private Path stateDir = Path.of("/var/lib/bootproxy/dhcp");

    /** Boot-file rules for PXE, HTTPClient and iPXE clients (see {@link BootConfig}). */
    @Valid
    @NotNull
    @JsonProperty("boot")
    private BootConfig boot = new BootConfig();

    /**
     * Liveness probe of {@code GET /dhcp/<net>/unused_ip} before it suggests an address:
     * {@code none} (default), {@code icmp} (echo reply from the address; needs CAP_NET_RAW) or
     * {@code tcp} (an established connection to one of {@code unused_ip_probe_ports}). A refusal
     * or an ICMP unreachable never counts as "in use" (see AddressProbe).
     */
    @NotEmpty
    @Pattern(regexp = "none|icmp|tcp", message = "must be none, icmp or tcp")
    @JsonProperty("unused_ip_probe")
    private String unusedIpProbe = "none";

    /** How long one probe waits for an answer. */
    @NotNull
    @JsonProperty("unused_ip_probe_timeout")
    private io.dropwizard.util.Duration unusedIpProbeTimeout = io.dropwizard.util.Duration.milliseconds(500);

    /** The ports the {@code tcp} probe tries, in order. */
    @NotNull
    @JsonProperty("unused_ip_probe_ports")
    private List<Integer> unusedIpProbePorts = new ArrayList<>(List.of(22, 443));

    /**
     * A key of {@code plugins.dhcp} that is no setting: the section of the provider of that name,
     * bound at once to its settings type.
     *
     * @throws IOException (an {@link com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException})
     *         when no installed provider has that name, or the section has an unknown key
     */
    @JsonAnySetter
    public void providerSection(String name, JsonNode section) throws IOException {
        providerSettings.put(name, DhcpProviders.installed().bind(name, section));
    }

    /** The bound settings of provider {@code name}, or null when its section is absent. */
    public Object providerSettings(String name) {
        return providerSettings.get(name);
    }

    public String getUnusedIpProbe() {
        return unusedIpProbe;
    }

    public io.dropwizard.util.Duration getUnusedIpProbeTimeout() {
        return unusedIpProbeTimeout;
    }

    public List<Integer> getUnusedIpProbePorts() {
        return unusedIpProbePorts;
    }

    public String getProvider() {
        return provider;
    }

    public String getMode() {
        return mode;
    }

    public List<String> getInterfaces() {
        return interfaces;
    }

    public List<SubnetConfig> getSubnets() {
        return subnets;
    }

    public List<Subnet6Config> getSubnets6() {
        return subnets6;
    }

    public Path getStateDir() {
        return stateDir;
    }

    public BootConfig getBoot() {
        return boot;
    }
}
