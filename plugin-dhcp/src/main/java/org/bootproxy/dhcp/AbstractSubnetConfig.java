package org.bootproxy.dhcp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What an entry of {@code plugins.dhcp.subnets} (DHCPv4) and of {@code plugins.dhcp.subnets6}
 * (DHCPv6) have in common, with the same keys, defaults and checks: {@code network},
 * {@code range} and {@code lease_time}. The family's own model type ({@code Subnet},
 * {@code Subnet6}) parses the addresses and checks the values at start.
 */
public abstract sealed class AbstractSubnetConfig permits SubnetConfig, Subnet6Config {

    /** CIDR, e.g. {@code 192.0.2.0/24} or {@code 2001:db8:e2e::/64}. */
    @NotEmpty
    @JsonProperty("network")
    private String network;

    /** {@code [first, last]} of the dynamic pool; empty: no dynamic addresses. */
    @NotNull
    @JsonProperty("range")
    private List<String> range = new ArrayList<>();

    /** How long a dynamic address is given for. */
    @NotNull
    @JsonProperty("lease_time")
    private Duration leaseTime = Duration.hours(12);

    AbstractSubnetConfig() {
    }

    AbstractSubnetConfig(String network) {
        this.network = network;
    }

    public String getNetwork() {
        return network;
    }

    /** {@code lease_time} as a {@link java.time.Duration}. */
    public java.time.Duration leaseDuration() {
        return java.time.Duration.ofMillis(leaseTime.toMilliseconds());
    }

    /**
     * The first and last address of {@code range}, each parsed by {@code parse}; an empty list when
     * the entry has no range.
     *
     * @throws IllegalArgumentException {@code "range must be [first, last]: …"} when it does not
     *     have two elements, or {@code "range: "} and the parser's message for a bad address; the
     *     caller prefixes the entry's key
     */
    public <A> List<A> rangeBounds(Function<String, A> parse) {
        if (range.isEmpty()) {
            return List.of();
        }
        if (range.size() != 2) {
            throw new IllegalArgumentException("range must be [first, last]: " + range);
        }
        try {
            return List.of(parse.apply(range.get(0)), parse.apply(range.get(1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("range: " + e.getMessage(), e);
        }
    }
}
