package org.bootproxy.dhcp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.protocol.DhcpMessage;
import org.bootproxy.dhcp.protocol.DhcpOptions;
import org.bootproxy.dhcp.protocol.OptionCode;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BootRulesTest {

    static final Listeners LISTENERS = new Listeners(8000, 8443, "*", true, true);
    static final Ipv4Address SERVER = Ipv4Address.parse("192.0.2.1");
    static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");

    static ClientInfo client(String vendorClass, Integer arch, boolean ipxe) {
        DhcpOptions.Builder o = DhcpOptions.builder().putByte(OptionCode.MESSAGE_TYPE, 1);
        if (vendorClass != null) {
            o.putString(OptionCode.VENDOR_CLASS, vendorClass);
        }
        if (arch != null) {
            o.putUint16(OptionCode.CLIENT_ARCH, arch);
        }
        if (ipxe) {
            o.putString(OptionCode.USER_CLASS, "iPXE");
        }
        byte[] chaddr = new byte[16];
        System.arraycopy(MAC.octets(), 0, chaddr, 0, 6);
        return ClientInfo.of(new DhcpMessage(1, 1, 6, 0, 1, 0, 0, DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpMessage.ZERO,
                DhcpMessage.ZERO, chaddr, "", "", o.build()));
    }

    @ParameterizedTest(name = "{0} arch {1} ipxe={2} -> {3}")
    @CsvSource(nullValues = "-", value = {
        "PXEClient:Arch:00000:UNDI:002001, 0, false, pxelinux.0",
        "PXEClient:Arch:00007:UNDI:003000, 7, false, grub2/grubx64.efi",
        "PXEClient:Arch:00009:UNDI:003000, 9, false, grub2/grubx64.efi",
        "PXEClient:Arch:00011:UNDI:003000, 11, false, grub2/grubaa64.efi",
        "HTTPClient:Arch:00016:UNDI:003000, 16, false, http://192.0.2.1:8000/httpboot/grub2/grubx64.efi",
        "HTTPClient:Arch:00019:UNDI:003000, 19, false, http://192.0.2.1:8000/httpboot/grub2/grubaa64.efi",
        // no option 93: the arch comes from option 60
        "HTTPClient:Arch:00016:UNDI:003000, -, false, http://192.0.2.1:8000/httpboot/grub2/grubx64.efi",
        "PXEClient:Arch:00007:UNDI:003000, -, false, grub2/grubx64.efi",
        // iPXE also says PXEClient:Arch:00007: matched first, gets its script, never ipxe.efi again
        "PXEClient:Arch:00007:UNDI:003010, 7, true, http://192.0.2.1:8000/httpboot/pxelinux.cfg/default.ipxe",
        "-, -, true, http://192.0.2.1:8000/httpboot/pxelinux.cfg/default.ipxe",
    })
    void defaults_coverTheSeedFlows(String vc, Integer arch, boolean ipxe, String file) {
        BootRules rules = BootRules.from(null, LISTENERS);
        assertThat(rules.decide(client(vc, arch, ipxe), null, SERVER)).get()
                .extracting(BootAnswer::filename).isEqualTo(file);
    }

    @Test
    void plainClient_getsNoBootFile() {
        assertThat(BootRules.from(null, LISTENERS).decide(client("udhcp 1.36", null, false), null, SERVER)).isEmpty();
        assertThat(BootRules.from(null, LISTENERS).decide(client("PXEClient:Arch:00025", 25, false), null, SERVER)).isEmpty();
    }

    @Test
    void configuredRules_comeFirst_andMacOverrideBeatsArch() {
        BootConfig cfg = new BootConfig("boot.example.com", true, List.of(
                new BootRuleConfig(null, null, "52:54:00:12:34:56", null, "bootcode.bin", "192.0.2.7"),
                new BootRuleConfig("PXEClient", List.of(0), null, null, "undionly.kpxe", null),
                new BootRuleConfig("HTTPClient", null, null, "HTTPClient:Arch:00016",
                        "https://${next_server}:${https_port}/httpboot/shimx64.efi", null)));
        BootRules rules = BootRules.from(cfg, LISTENERS);
        BootAnswer pi = rules.decide(client("PXEClient:Arch:00000", 0, false), null, SERVER).orElseThrow();
        assertThat(pi.filename()).isEqualTo("bootcode.bin");
        assertThat(pi.nextServer()).isEqualTo("192.0.2.7");
        assertThat(pi.source()).isEqualTo("boot rule 1");
        ClientInfo other = new ClientInfo(MacAddress.parse("52:54:00:00:00:01"), ClientKind.PXE_CLIENT, 0, "PXEClient", List.of());
        assertThat(rules.decide(other, null, SERVER).orElseThrow().filename()).isEqualTo("undionly.kpxe");
        ClientInfo http = new ClientInfo(MacAddress.parse("52:54:00:00:00:01"), ClientKind.HTTP_CLIENT, 16,
                "HTTPClient:Arch:00016:UNDI:003000", List.of());
        BootAnswer h = rules.decide(http, null, SERVER).orElseThrow();
        assertThat(h.filename()).isEqualTo("https://boot.example.com:8443/httpboot/shimx64.efi");
        assertThat(h.nextServer()).isEqualTo("boot.example.com");
    }

    @Test
    void reservation_overridesRules_butNotForIpxeWithABinary() {
        Reservation res = new Reservation("h1", "h1", Ipv4Address.parse("192.0.2.10"), MAC,
                Ipv4Network.parse("192.0.2.0/24"), "ipxe.efi", "192.0.2.5", List.of(), null, true);
        BootRules rules = BootRules.from(null, LISTENERS);
        BootAnswer pxe = rules.decide(client("PXEClient:Arch:00007", 7, false), res, SERVER).orElseThrow();
        assertThat(pxe).isEqualTo(new BootAnswer("ipxe.efi", "192.0.2.5", "reservation"));
        // iPXE chain-loaded by that file must not get it again
        BootAnswer ipxe = rules.decide(client("PXEClient:Arch:00007", 7, true), res, SERVER).orElseThrow();
        assertThat(ipxe.filename()).isEqualTo("http://192.0.2.5:8000/httpboot/pxelinux.cfg/default.ipxe");
        // a script URL in the reservation (Foreman's "iPXE Embedded") does win
        Reservation script = new Reservation("h1", "h1", Ipv4Address.parse("192.0.2.10"), MAC,
                Ipv4Network.parse("192.0.2.0/24"), "http://foreman.example.com/unattended/iPXE", null, List.of(), null, true);
        assertThat(rules.decide(client("PXEClient:Arch:00007", 7, true), script, SERVER).orElseThrow().filename())
                .isEqualTo("http://foreman.example.com/unattended/iPXE");
        // an HTTPClient cannot use the reservation's TFTP path: the rule's URL, with its next server
        assertThat(rules.decide(client("HTTPClient:Arch:00016", 16, false), res, SERVER).orElseThrow())
                .isEqualTo(new BootAnswer("http://192.0.2.5:8000/httpboot/grub2/grubx64.efi", "192.0.2.5",
                        "default UEFI x64 HTTP"));
        // a reservation with nextServer only changes the next server of the rule's answer
        Reservation next = new Reservation("h1", "h1", Ipv4Address.parse("192.0.2.10"), MAC,
                Ipv4Network.parse("192.0.2.0/24"), null, "tftp.example.com", List.of(), null, true);
        assertThat(rules.decide(client("PXEClient:Arch:00000", 0, false), next, SERVER).orElseThrow())
                .isEqualTo(new BootAnswer("pxelinux.0", "tftp.example.com", "default BIOS PXE"));
    }

    @Test
    void noHttpListener_usesHttps_andNeitherDropsUrlRules() {
        BootRules httpsOnly = BootRules.from(null, new Listeners(null, 8443, "*", false, true));
        assertThat(httpsOnly.decide(client("HTTPClient:Arch:00016", 16, false), null, SERVER).orElseThrow().filename())
                .isEqualTo("https://192.0.2.1:8443/httpboot/grub2/grubx64.efi");
        BootRules none = BootRules.from(null, new Listeners(null, null, "*", false, false));
        assertThat(none.decide(client("HTTPClient:Arch:00016", 16, false), null, SERVER)).isEmpty();
        assertThat(none.decide(client("PXEClient:Arch:00000", 0, false), null, SERVER)).isPresent();
    }

    @Test
    void badRules_areRefusedNamingTheValue() {
        assertThatThrownBy(() -> BootRules.from(new BootConfig(null, true, List.of(
                new BootRuleConfig("UEFIClient", null, null, null, "x", null))), LISTENERS))
                .hasMessageContaining("boot rule 1").hasMessageContaining("UEFIClient");
        assertThatThrownBy(() -> BootRules.from(new BootConfig(null, true, List.of(
                new BootRuleConfig(null, List.of(70000), null, null, "x", null))), LISTENERS))
                .hasMessageContaining("arch 70000");
        assertThatThrownBy(() -> BootRules.from(new BootConfig(null, true, List.of(
                new BootRuleConfig(null, null, "zz:zz", null, "x", null))), LISTENERS))
                .hasMessageContaining("zz:zz");
        assertThatThrownBy(() -> BootRules.from(new BootConfig(null, true, List.of(
                new BootRuleConfig(null, null, null, null, "http://${host}/x", null))), LISTENERS))
                .hasMessageContaining("${host}");
        assertThatThrownBy(() -> BootRules.from(new BootConfig(null, true, List.of(
                new BootRuleConfig(null, null, null, null, "http://${next_server}:${http_port}/x", null))),
                new Listeners(null, 8443, "*", false, true)))
                .hasMessageContaining("no HTTP listener");
        assertThatThrownBy(() -> BootRules.from(new BootConfig("bad host!", true, List.of()), LISTENERS))
                .hasMessageContaining("bad host!");
    }
}
