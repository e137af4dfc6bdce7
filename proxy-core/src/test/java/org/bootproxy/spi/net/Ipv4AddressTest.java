package org.bootproxy.spi.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "192.0.2.1", "255.255.255.255", "10.0.0.10", " 198.18.0.1 ", "1.2.3.100"})
    void dottedQuads_parse_andPrintBack(String text) throws Exception {
        Ipv4Address a = Ipv4Address.parse(text);
        assertThat(a.toString()).isEqualTo(text.trim());
        assertThat(a.bytes()).isEqualTo(InetAddress.getByName(text.trim()).getAddress());
        assertThat(Ipv4Address.isValid(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "1.2.3", "1.2.3.4.5", "1.2.3.4.", ".1.2.3.4", "1..2.3", "256.1.1.1", "1.2.3.256",
        "01.2.3.4", "1.2.3.04", "1.2.3.0004", "1234.1.1.1", "1.2.3.4a", "a.b.c.d", "1.2.3.-4", "+1.2.3.4", "1.2.3.4/24",
        "1,2,3,4", "1.2.3. 4", "::1", "1.2.3.4\n5", "\u0661.2.3.4", "99999999999.1.1.1"})
    void anythingElse_isRefused_namingTheValue(String text) {
        assertThat(Ipv4Address.isValid(text)).as(text).isFalse();
        assertThatThrownBy(() -> Ipv4Address.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid IPv4 address: " + text);
    }

    @Test
    void null_isRefused() {
        assertThatThrownBy(() -> Ipv4Address.parse(null)).hasMessage("Invalid IPv4 address: null");
    }

    @Test
    void everyAddress_roundTrips_randomSample() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 10_000; i++) {
            int v = r.nextInt();
            String text = (v >>> 24) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
            assertThat(Ipv4Address.parse(text).toString()).isEqualTo(text);
        }
    }
}
