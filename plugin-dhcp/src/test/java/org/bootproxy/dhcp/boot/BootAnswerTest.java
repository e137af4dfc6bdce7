package org.bootproxy.dhcp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BootAnswerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "http://192.0.2.1:8000/httpboot/grub2/grubx64.efi, true",
        "HTTPS://192.0.2.1/x.efi, true",
        "http://192.0.2.1, true",
        "http://192.0.2.1?x=1, true",
        "http://user:pw@192.0.2.1:80/x.efi, true",
        "http://[2001:db8::1]:8000/httpboot/x.efi, true",
        "http://[2001:db8::1]/x.efi, true",
        "http://[fe80::1%25eth0]/x.efi, true",
        "http://boot.example.com:8000/httpboot/x.efi, false",
        "http://boot/x.efi, false",
        "http://192.0.2.1.example.com/x.efi, false",
        "http://192.0.2.256/x.efi, false",
        "http://[2001:db8::1/x.efi, false",
        "http://[boot.example.com]/x.efi, false",
        "http:///x.efi, false",
        "grub2/grubx64.efi, false",
        "tftp://192.0.2.1/grub2/grubx64.efi, false",
    })
    void urlHostIsIpLiteral_recognisesAddressesWithoutResolvingNames(String filename, boolean literal) {
        assertThat(BootAnswer.urlHostIsIpLiteral(filename)).isEqualTo(literal);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "HTTP_CLIENT, true",
        "PXE_CLIENT, false",
        "IPXE, false",
        "OTHER, false",
    })
    void omitsDnsServers_onlyForHttpClientsWithAnIpUrl(ClientKind kind, boolean omits) {
        assertThat(new BootAnswer("http://192.0.2.1:8000/httpboot/grub2/grubx64.efi", null, "test")
                .omitsDnsServersFor(kind)).isEqualTo(omits);
        assertThat(new BootAnswer("http://boot.example.com/httpboot/grub2/grubx64.efi", null, "test")
                .omitsDnsServersFor(kind)).isFalse();
    }
}
