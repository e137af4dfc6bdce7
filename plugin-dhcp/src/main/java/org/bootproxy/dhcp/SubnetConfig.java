package org.bootproxy.dhcp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code plugins.dhcp.subnets}: an object with the subnet's options, or a plain CIDR
 * string (a subnet without pool or options; for an external provider, a filter). Values are
 * checked by the plugin at start. An empty {@code range}: reservations only.
 */
public final class SubnetConfig extends AbstractSubnetConfig {

    public SubnetConfig() {
    }

    /** A plain CIDR entry, e.g. {@code - 192.0.2.0/24}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public SubnetConfig(String network) {
        super(network);
    }

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

    @JsonProperty("interface_mtu")
    private Integer interfaceMtu;

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

    public Integer getInterfaceMtu() {
        return interfaceMtu;
    }
}
