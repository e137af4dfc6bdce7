package org.bootproxy.tftp.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses fetch_boot_file may connect to. Pure: nothing is sent anywhere. */
class AddressPolicyTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1 | loopback",
        "127.255.0.9 | loopback",
        "::1 | loopback",
        "::ffff:127.0.0.1 | loopback",
        "::127.0.0.1 | loopback",
        "169.254.169.254 | link-local",
        "fe80::1 | link-local",
        "0.0.0.0 | unspecified",
        "0.1.2.3 | unspecified",
        ":: | unspecified",
        "224.0.0.251 | multicast",
        "ff02::1 | multicast",
        "255.255.255.255 | broadcast",
    })
    void defaults_refuseSpecialAddresses(String address, String why) throws Exception {
        assertThat(AddressPolicy.defaults().refusal(InetAddress.getByName(address))).hasValueSatisfying(
                r -> assertThat(r).contains(why));
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.7", "10.1.2.3", "2001:db8::7"})
    void defaults_acceptOrdinaryAddresses(String address) throws Exception {
        assertThat(AddressPolicy.defaults().refusal(InetAddress.getByName(address))).isEmpty();
    }

    @Test
    void defaults_refuseEveryAddressOfThisHost() throws Exception {
        List<InetAddress> own = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .toList();
        assumeTrue(!own.isEmpty(), "this host has no address besides loopback and link-local");
        for (InetAddress a : own) {
            assertThat(AddressPolicy.defaults().refusal(a)).as(a.getHostAddress())
                    .hasValueSatisfying(r -> assertThat(r).contains("this host"));
        }
    }

    @Test
    void allowList_letsItsNetworksThrough() throws Exception {
        AddressPolicy p = AddressPolicy.allowing(List.of("127.0.0.0/8", "fe80::/10", "169.254.1.1"));

        assertThat(p.refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(p.refusal(InetAddress.getByName("::ffff:127.0.0.1"))).isEmpty();
        assertThat(p.refusal(InetAddress.getByName("fe80::1234"))).isEmpty();
        assertThat(p.refusal(InetAddress.getByName("169.254.1.1"))).isEmpty();
        assertThat(p.refusal(InetAddress.getByName("169.254.1.2"))).isPresent();
        assertThat(p.refusal(InetAddress.getByName("::1"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "127.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0/8", "example.com/8"})
    void allowList_refusesWhatIsNotANetwork(String bad) {
        assertThatThrownBy(() -> AddressPolicy.allowing(List.of(bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fetch_allowed_networks");
    }
}
