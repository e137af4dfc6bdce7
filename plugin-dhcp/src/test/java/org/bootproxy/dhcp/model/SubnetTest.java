package org.bootproxy.dhcp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.SubnetConfig;
import org.bootproxy.spi.net.Ipv4Address;
import org.junit.jupiter.api.Test;

class SubnetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SubnetConfig config(Map<String, Object> m) {
        return JSON.convertValue(m, SubnetConfig.class);
    }

    @Test
    void fromConfig_parsesEveryOption() {
        Subnet s = Subnet.fromConfig(config(Map.of("network", "192.0.2.0/24", "range",
                List.of("192.0.2.100", "192.0.2.200"), "routers", List.of("192.0.2.1"), "domain_name_servers",
                List.of("192.0.2.2"), "domain_name", "example.com", "ntp_servers", List.of("192.0.2.3"),
                "interface_mtu", 1500)));
        assertThat(s.network().toString()).isEqualTo("192.0.2.0/24");
        assertThat(s.rangeFirst()).isEqualTo(Ipv4Address.parse("192.0.2.100"));
        assertThat(s.routers()).containsExactly(Ipv4Address.parse("192.0.2.1"));
        assertThat(s.leaseTime().toHours()).isEqualTo(12);
        assertThat(Subnet.fromConfig(config(Map.of("network", "192.0.2.0/24", "lease_time", "90s"))).leaseTime())
                .isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(s.firstHost()).isEqualTo(Ipv4Address.parse("192.0.2.1"));
        assertThat(s.lastHost()).isEqualTo(Ipv4Address.parse("192.0.2.254"));
        assertThat(s.isHostAddress(Ipv4Address.parse("192.0.2.0"))).isFalse();
        assertThat(s.isHostAddress(Ipv4Address.parse("192.0.2.255"))).isFalse();
    }

    @Test
    void fromConfig_refusesBadValues_namingThem() {
        assertThatThrownBy(() -> Subnet.fromConfig(config(Map.of("network", "192.0.2.0"))))
                .hasMessageContaining("192.0.2.0");
        assertThatThrownBy(() -> Subnet.fromConfig(config(Map.of("network", "192.0.2.1/24"))))
                .hasMessageContaining("Not a network address: 192.0.2.1/24");
        assertThatThrownBy(() -> Subnet.fromConfig(config(Map.of("network", "192.0.2.0/24", "range",
                List.of("192.0.2.100", "192.0.3.1"))))).hasMessageContaining("range 192.0.2.100-192.0.3.1");
        assertThatThrownBy(() -> Subnet.fromConfig(config(Map.of("network", "192.0.2.0/24", "range",
                List.of("192.0.2.200", "192.0.2.100"))))).hasMessageContaining("first > last");
        assertThatThrownBy(() -> Subnet.fromConfig(config(Map.of("network", "192.0.2.0/24", "range",
                List.of("192.0.2.100"))))).hasMessage(
                        "plugins.dhcp.subnets[192.0.2.0/24].range must be [first, last]: [192.0.2.100]");
        assertThatThrownBy(() -> Subnet.fromConfig(config(Map.of("network", "192.0.2.0/24", "range",
                List.of("192.0.2.100", "192.0.2.x"))))).hasMessageStartingWith("plugins.dhcp.subnets[192.0.2.0/24].range: ")
                .hasMessageContaining("192.0.2.x");
        assertThatThrownBy(() -> Subnet.fromConfig(config(Map.of("network", "192.0.2.0/24", "routers",
                List.of("gw.example.com"))))).hasMessageContaining("routers").hasMessageContaining("gw.example.com");
        assertThatThrownBy(() -> Subnet.fromConfig(config(Map.of("network", "192.0.2.0/24", "interface_mtu", 20))))
                .hasMessageContaining("interface_mtu 20");
        assertThatThrownBy(() -> Subnet.fromConfig(List.of(config(Map.of("network", "192.0.2.0/24")),
                config(Map.of("network", "192.0.2.128/25")))))
                .hasMessageContaining("192.0.2.128/25 overlaps 192.0.2.0/24");
    }

    @Test
    void smallestSubnets_useEveryAddress() {
        Subnet p2p = Subnet.fromConfig(config(Map.of("network", "192.0.2.4/31")));
        assertThat(p2p.firstHost()).isEqualTo(Ipv4Address.parse("192.0.2.4"));
        assertThat(p2p.lastHost()).isEqualTo(Ipv4Address.parse("192.0.2.5"));
    }

    @Test
    void aPlainCidrEntry_isASubnetWithoutPool() {
        Subnet s = Subnet.fromConfig(JSON.convertValue("192.0.2.0/24", SubnetConfig.class));
        assertThat(s.network().toString()).isEqualTo("192.0.2.0/24");
        assertThat(s.rangeFirst()).isNull();
        assertThat(s.leaseTime().toHours()).isEqualTo(12);
    }
}
