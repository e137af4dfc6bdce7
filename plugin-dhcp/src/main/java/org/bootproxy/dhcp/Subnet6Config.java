package org.bootproxy.dhcp;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code plugins.dhcp.subnets6}, served by the embedded DHCPv6 server: {@code range}
 * is the IA_NA pool (empty: the server gives no addresses there), {@code lease_time} the valid
 * lifetime of an address (preferred = valid; T1 and T2 at 50% and 80%).
 */
public final class Subnet6Config extends AbstractSubnetConfig {

    /** DNS recursive name servers (option 23). */
    @NotNull
    @JsonProperty("dns_servers")
    private List<String> dnsServers = new ArrayList<>();

    public List<String> getDnsServers() {
        return dnsServers;
    }
}
