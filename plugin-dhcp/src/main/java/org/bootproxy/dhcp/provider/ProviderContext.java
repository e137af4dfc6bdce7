package org.bootproxy.dhcp.provider;

import com.codahale.metrics.MetricRegistry;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;

/**
 * What the dhcp plugin gives a provider when it opens its backend.
 *
 * @param subnets {@code plugins.dhcp.subnets}, validated, in configuration order. For
 *                {@code embedded} they are the managed subnets with their options; an external
 *                provider reads its subnets from its server and uses these only as a filter
 *                (see {@link #manages}); entries written as plain CIDR strings have no options.
 * @param clock the clock every expiry is measured with
 * @param stateDir {@code plugins.dhcp.state_dir}: where a provider may keep files of its own
 * @param metrics the application's registry; name metrics {@code dhcp.<provider>.<metric>} and
 *                remove them on close
 */
public record ProviderContext(List<Subnet> subnets, InstantSource clock, Path stateDir, MetricRegistry metrics) {

    public ProviderContext {
        subnets = List.copyOf(Objects.requireNonNull(subnets, "subnets"));
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Whether an external provider manages {@code network}: every network when
     * {@code plugins.dhcp.subnets} is empty, otherwise one equal to or inside a listed CIDR.
     */
    public boolean manages(Ipv4Network network) {
        if (subnets.isEmpty()) {
            return true;
        }
        for (Subnet s : subnets) {
            Ipv4Network f = s.network();
            if (f.prefix() <= network.prefix() && f.contains(network.address())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code ip} lies in one of the listed subnets (true when none are listed). */
    public boolean manages(Ipv4Address ip) {
        return subnets.isEmpty() || subnets.stream().anyMatch(s -> s.network().contains(ip));
    }
}
