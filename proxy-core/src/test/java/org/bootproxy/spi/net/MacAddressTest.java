package org.bootproxy.spi.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MacAddressTest {

    @Test
    void equalAddresses_haveEqualHashCodes_inEveryForm() {
        MacAddress a = MacAddress.parse("52:54:00:AB:CD:EF");
        MacAddress b = MacAddress.parse("52-54-00-ab-cd-ef");
        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }

    /**
     * The MACs of one vendor prefix (a lab's VMs, a rack of one model) must spread over the hash
     * codes: with Arrays.hashCode 65,536 of them shared 8,161 codes, and maps keyed by MAC
     * degenerated (the dnsmasq provider's index copy took 170 ms per create at 10,000 hosts).
     */
    @Test
    void oneVendorPrefix_spreadsOverDistinctHashCodes() {
        Set<Integer> codes = new HashSet<>();
        for (int n = 0; n < 65_536; n++) {
            codes.add(MacAddress.of(new byte[] {0x52, 0x54, 0, (byte) (n >> 16), (byte) (n >> 8), (byte) n}, 6)
                    .hashCode());
        }
        assertThat(codes).hasSizeGreaterThan(65_000);
    }

    @Test
    void infinibandAddresses_hashToo() {
        byte[] octets = new byte[20];
        octets[19] = 1;
        MacAddress a = MacAddress.of(octets, 20);
        octets[19] = 2;
        assertThat(a.hashCode()).isNotEqualTo(MacAddress.of(octets, 20).hashCode());
        assertThat(a).isEqualTo(MacAddress.of(a.octets(), 20));
    }
}
