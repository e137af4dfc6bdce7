package org.bootproxy.dhcp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/** One entry of {@code plugins.dhcp.subnets6}, served by the embedded DHCPv6 server. */
public final class Subnet6Config {

    /** CIDR, e.g. {@code 2001:db8:e2e::/64}. */
    @NotEmpty
    @JsonProperty("network")
    private String network;

    /** {@code [first, last]} of the IA_NA pool; empty: the server gives no addresses there. */
    @NotNull
    @JsonProperty("range")
    private List<String> range = new ArrayList<>();

    /** DNS recursive name servers (option 23). */
    @NotNull
    @JsonProperty("dns_servers")
    private List<String> dnsServers = new ArrayList<>();

    /** Valid lifetime of an address (preferred = valid; T1 and T2 at 50% and 80%). */
    @NotNull
    @JsonProperty("lease_time")
    private Duration leaseTime = Duration.hours(12);

    public String getNetwork() {
        return network;
    }

    public List<String> getRange() {
        return range;
    }

    public List<String> getDnsServers() {
        return dnsServers;
    }

    public Duration getLeaseTime() {
        return leaseTime;
    }
}
