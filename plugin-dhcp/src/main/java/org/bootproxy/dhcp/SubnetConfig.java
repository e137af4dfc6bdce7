package org.bootproxy.dhcp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code plugins.dhcp.subnets}: an object with the subnet's options, or a plain CIDR
 * string (a subnet without pool or options; for an external provider, a filter). Values are
 * checked by the plugin at start.
 */
public final class SubnetConfig {

    public SubnetConfig() {
    }

    /** A plain CIDR entry, e.g. {@code - 192.0.2.0/24}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public SubnetConfig(String network) {
        this.network = network;
    }

    /** CIDR, e.g. {@code 192.0.2.0/24}. */
    @NotEmpty
    @JsonProperty("network")
    private String network;

    /** {@code [first, last]} of the dynamic pool; empty: reservations only. */
    @NotNull
    @JsonProperty("range")
    private List<String> range = new ArrayList<>();

    @NotNull
    @JsonProperty("routers")
    private List<String> routers = new ArrayList<>();

    @NotNull
    @JsonProperty("domain_name_servers")
    private List<String> domainNameServers = new ArrayList<>();

    @JsonProperty("domain_name")
    private String domainName;

    @NotNull
    @JsonProperty("ntp_servers")
    private List<String> ntpServers = new ArrayList<>();

    @NotNull
    @JsonProperty("lease_time")
    private Duration leaseTime = Duration.hours(12);

    @JsonProperty("interface_mtu")
    private Integer interfaceMtu;

    public String getNetwork() {
        return network;
    }

    public List<String> getRange() {
        return range;
    }

    public List<String> getRouters() {
        return routers;
    }

    public List<String> getDomainNameServers() {
        return domainNameServers;
    }

    public String getDomainName() {
        return domainName;
    }

    public List<String> getNtpServers() {
        return ntpServers;
    }

    public Duration getLeaseTime() {
        return leaseTime;
    }

    public Integer getInterfaceMtu() {
        return interfaceMtu;
    }
}
