package org.bootproxy.dhcp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.Subnet6Config;
import org.bootproxy.spi.net.Ipv6Network;
import org.junit.jupiter.api.Test;

class Subnet6Test {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Subnet6Config config(Map<String, Object> m) {
        return JSON.convertValue(m, Subnet6Config.class);
    }

    private static List<Subnet6> fromConfig(Map<String, Object> m) {
        return Subnet6.fromConfig(List.of(config(m)));
    }

    @Test
    void fromConfig_parsesEveryKey_andLeaseTimeDefaultsTo12Hours() {
        Subnet6 s = fromConfig(Map.of("network", "2001:db8:e2e::/64", "range",
                List.of("2001:db8:e2e::100", "2001:db8:e2e::1ff"), "dns_servers", List.of("2001:db8:e2e::53"))).get(0);
        assertThat(s.network()).isEqualTo(Ipv6Network.parse("2001:db8:e2e::/64"));
        assertThat(s.first()).isEqualTo(Ipv6Network.parseAddress("2001:db8:e2e::100"));
        assertThat(s.last()).isEqualTo(Ipv6Network.parseAddress("2001:db8:e2e::1ff"));
        assertThat(s.poolSize()).hasToString("256");
        assertThat(s.dnsServers()).containsExactly(Ipv6Network.parseAddress("2001:db8:e2e::53"));
        assertThat(s.leaseTime()).isEqualTo(Duration.ofHours(12));

        Subnet6 noPool = fromConfig(Map.of("network", "2001:db8:1::/64", "lease_time", "90s")).get(0);
        assertThat(noPool.hasPool()).isFalse();
        assertThat(noPool.leaseTime()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void fromConfig_refusesBadValues_namingTheEntryAndTheValue() {
        assertThatThrownBy(() -> fromConfig(Map.of("network", "2001:db8:e2e::/64", "range",
                List.of("2001:db8:e2e::100"))))
                .hasMessage("plugins.dhcp.subnets6[0]: range must be [first, last]: [2001:db8:e2e::100]");
        assertThatThrownBy(() -> fromConfig(Map.of("network", "2001:db8:e2e::/64", "range",
                List.of("2001:db8:e2e::100", "192.0.2.1"))))
                .hasMessageStartingWith("plugins.dhcp.subnets6[0]: range: ").hasMessageContaining("192.0.2.1");
        assertThatThrownBy(() -> fromConfig(Map.of("network", "2001:db8:e2e::/64", "range",
                List.of("2001:db8:e2e::100", "2001:db8:e2f::1"))))
                .hasMessageContaining("plugins.dhcp.subnets6[0]").hasMessageContaining("2001:db8:e2f::1")
                .hasMessageContaining("not inside the network");
        assertThatThrownBy(() -> fromConfig(Map.of("network", "2001:db8:e2e::/64", "range",
                List.of("2001:db8:e2e::200", "2001:db8:e2e::100")))).hasMessageContaining("is after last");
        assertThatThrownBy(() -> fromConfig(Map.of("network", "2001:db8:e2e::/64", "dns_servers", List.of("ns1"))))
                .hasMessageStartingWith("plugins.dhcp.subnets6[0]: ").hasMessageContaining("ns1");
        assertThatThrownBy(() -> fromConfig(Map.of("network", "2001:db8:e2e::/64", "lease_time", "0s")))
                .hasMessageContaining("lease_time");
        assertThatThrownBy(() -> Subnet6.fromConfig(List.of(config(Map.of("network", "2001:db8::/32")),
                config(Map.of("network", "2001:db8:e2e::/64")))))
                .hasMessage("plugins.dhcp.subnets6[1]: network 2001:db8:e2e::/64 overlaps 2001:db8::/32");
    }
}
