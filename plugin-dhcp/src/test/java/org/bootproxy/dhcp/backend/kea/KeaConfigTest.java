package org.bootproxy.dhcp.backend.kea;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;

/** Kea's config-get answer read into subnets and reservations, and bootproxy's edits of it. */
class KeaConfigTest {

    private static final String CONFIG = """
            {"Dhcp4": {"valid-lifetime": 600, "option-data": [{"name": "domain-name", "data": "example.com"}],
              "subnet4": [{"id": 7, "subnet": "192.0.2.0/24",
                 "pools": [{"pool": "192.0.2.100-192.0.2.150"}, {"pool": "192.0.2.192/26"}],
                 "option-data": [{"code": 3, "data": "192.0.2.1"}],
                 "reservations": [
                   {"hw-address": "52:54:00:00:00:02", "ip-address": "192.0.2.20", "hostname": "",
                    "boot-file-name": "", "next-server": "0.0.0.0", "server-hostname": "tftp.example.com"},
                   {"duid": "01:02", "ip-address": "192.0.2.21"},
                   {"hw-address": "52:54:00:00:00:01", "ip-address": "192.0.2.10", "hostname": "h1",
                    "user-context": {"bootproxy": {"name": "h1.example.com", "related-macs": ["52:54:00:00:00:09"],
                                                   "options": {"ztp": "x"}}}}]}],
              "shared-networks": [{"name": "s", "subnet4": [{"id": 8, "subnet": "198.51.100.0/24"}]}]}}
            """;

    private static KeaConfig parse(java.util.function.Predicate<Ipv4Network> filter) throws Exception {
        JsonNode args = KeaChannel.JSON.readTree(CONFIG);
        return KeaConfig.parse(args, "test", filter);
    }

    @Test
    void parse_readsSubnetsOptionsAndReservations() throws Exception {
        KeaConfig c = parse(n -> true);
        assertThat(c.subnets()).extracting(s -> s.network().toString()).containsExactly("192.0.2.0/24",
                "198.51.100.0/24");
        KeaConfig.KeaSubnet s = c.subnet(Ipv4Network.parse("192.0.2.0/24"));
        assertThat(s.id()).isEqualTo(7);
        assertThat(s.subnet().rangeFirst()).hasToString("192.0.2.100");
        assertThat(s.subnet().rangeLast()).hasToString("192.0.2.255");
        assertThat(s.subnet().routers()).extracting(Object::toString).containsExactly("192.0.2.1");
        assertThat(s.subnet().domainName()).isEqualTo("example.com");
        assertThat(s.subnet().leaseTime()).isEqualTo(Duration.ofSeconds(600));
        assertThat(s.reservations()).extracting(r -> r.mac() + " " + r.name() + " " + r.nextServer() + " "
                + r.filename() + " " + r.relatedMacs() + " " + r.options()).containsExactly(
                "52:54:00:00:00:01 h1.example.com null null [52:54:00:00:00:09] {ztp=x}",
                "52:54:00:00:00:02 52:54:00:00:00:02 tftp.example.com null [] {}");
        assertThat(parse(n -> n.address().toString().startsWith("198.")).subnets()).hasSize(1);
    }

    @Test
    void edits_roundTrip_andRefuseWhatKeaCannotHold() throws Exception {
        KeaConfig c = parse(n -> true);
        Reservation r = new Reservation("h5.example.com", "h5.example.com", Ipv4Address.parse("192.0.2.5"),
                MacAddress.parse("52:54:00:00:00:05"), Ipv4Network.parse("192.0.2.0/24"), "grub2/grubx64.efi",
                "192.0.2.7", List.of("52:54:00:00:00:06"), Map.of("a", "b"), true);
        KeaConfig added = c.withReservation(r, false);
        KeaConfig reread = KeaConfig.parse(added.configSetArguments(), "test", n -> true);
        assertThat(reread.subnet(r.subnet()).byMac().get(r.mac())).isEqualTo(r);
        assertThat(reread.ipReservationsUnique()).isTrue();
        assertThat(c.withReservation(r, true).ipReservationsUnique()).isFalse();
        KeaConfig removed = KeaConfig.parse(reread.withoutReservation(r).configSetArguments(), "test", n -> true);
        assertThat(removed.sameAs(c)).isTrue();
        assertThat(c.withoutReservation(r)).isNull();
        Reservation longFile = new Reservation("h", "h", r.ip(), r.mac(), r.subnet(), "f".repeat(129), null, null,
                null, true);
        assertThatThrownBy(() -> KeaConfig.toKea(longFile)).isInstanceOf(RecordRejectedException.class)
                .hasMessageContaining("128 bytes");
    }
}
