package org.bootproxy.dhcp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.spi.Listeners;
import org.junit.jupiter.api.Test;

/** Lifecycle and configuration checks that bind nothing (DHCP sockets only inside namespaces). */
class DhcpServerTest {

    static DhcpConfig config(String interfaces) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readValue("""
                enabled: true
                interfaces: %s
                subnets:
                  - network: 192.0.2.0/24
                    range: [192.0.2.100, 192.0.2.150]
                """.formatted(interfaces), DhcpConfig.class);
    }

    static DhcpServer server(DhcpConfig c) {
        Listeners l = new Listeners(8000, null, "*", true, false);
        return new DhcpServer(c, new FakeLeaseStore(), BootRules.from(c.getBoot(), l), l, new MetricRegistry());
    }

    @Test
    void noInterfaces_bindsNothing_andStopsCleanly() throws Exception {
        DhcpServer s = server(config("[]"));
        s.start();
        assertThat(s.boundAddresses()).isEmpty();
        s.stop();
        s.stop(); // idempotent
    }

    @Test
    void unknownInterfaceOrAddress_failsStartNamingIt_andBindsNothing() throws Exception {
        DhcpServer byName = server(config("[bpnosuch0]"));
        assertThatThrownBy(byName::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no interface named 'bpnosuch0'");
        assertThat(byName.boundAddresses()).isEmpty();
        DhcpServer byAddress = server(config("[192.0.2.254]"));
        assertThatThrownBy(byAddress::start).hasMessageContaining("192.0.2.254 is not an address of this host");
    }

    @Test
    void startTwice_isRefused() throws Exception {
        DhcpServer s = server(config("[]"));
        s.start();
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
        s.stop();
    }
}
