package org.bootproxy.dhcp.backend.kea;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.LeasesUnavailableException;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;

/**
 * The write protocol against a scripted Kea (the live test covers the real one): what happens
 * when the configuration changes underneath, when config-set or config-write fails, and without
 * lease_cmds.
 */
class KeaBackendTest {

    private static final String EMPTY = """
            {"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "reservations": []}]}}""";

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = KeaChannel.JSON;

    private static KeaResponse ok(String args) {
        return new KeaResponse(0, "", args == null ? null : json(args));
    }

    private static KeaResponse commands(boolean leaseCmds) {
        return ok(leaseCmds ? "[\"config-get\",\"lease4-get\",\"lease4-get-all\",\"lease4-get-by-hw-address\"]"
                : "[\"config-get\",\"config-set\"]");
    }

    private static final Reservation R = new Reservation("h1", "h1", Ipv4Address.parse("192.0.2.10"),
            MacAddress.parse("52:54:00:00:00:01"), Ipv4Network.parse("192.0.2.0/24"), "pxelinux.0", null, null, null,
            true);

    private static Subnet subnet(KeaBackend b) throws Exception {
        return b.subnets().get(0);
    }

    @Test
    void aConfigurationChangedUnderneath_isRefused_andNothingIsSet() throws Exception {
        ScriptedKea kea = new ScriptedKea();
        int[] gets = {0};
        kea.script = (c, a) -> switch (c) {
            case "list-commands" -> commands(true);
            // the third config-get (the re-read right before config-set) sees someone else's edit
            case "config-get" -> ok(++gets[0] < 3 ? EMPTY : EMPTY.replace("\"id\": 1", "\"id\": 1, \"valid-lifetime\": 5"));
            default -> ok(null);
        };
        KeaBackend b = KeaBackend.open(kea, InstantSource.system(), n -> true);
        assertThatThrownBy(() -> b.addReservation(R)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("changed while bootproxy was editing it");
        assertThat(kea.sent).doesNotContain("config-set", "config-write");
    }

    @Test
    void aFailedConfigWrite_setsThePreviousConfigurationBack() throws Exception {
        ScriptedKea kea = new ScriptedKea();
        kea.script = (c, a) -> switch (c) {
            case "list-commands" -> commands(true);
            case "config-get" -> ok(EMPTY);
            case "config-write" -> new KeaResponse(1, "Unable to open file", null);
            default -> ok(null);
        };
        KeaBackend b = KeaBackend.open(kea, InstantSource.system(), n -> true);
        assertThatThrownBy(() -> b.addReservation(R)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("Unable to open file").hasMessageContaining("rolled back");
        assertThat(kea.sent).containsSubsequence("config-set", "config-write", "config-set");
    }

    @Test
    void keaRefusingTheConfiguration_isA400WithItsText() throws Exception {
        ScriptedKea kea = new ScriptedKea();
        kea.script = (c, a) -> switch (c) {
            case "list-commands" -> commands(true);
            case "config-get" -> ok(EMPTY);
            case "config-set" -> new KeaResponse(1, "duplicate hostname", null);
            default -> ok(null);
        };
        KeaBackend b = KeaBackend.open(kea, InstantSource.system(), n -> true);
        assertThatThrownBy(() -> b.addReservation(R)).isInstanceOf(RecordRejectedException.class)
                .hasMessageContaining("duplicate hostname");
        assertThat(kea.sent).doesNotContain("config-write");
    }

    @Test
    void withoutLeaseCmds_everyLeaseReadThrows501_neverAnEmptyList() throws Exception {
        ScriptedKea kea = new ScriptedKea();
        kea.script = (c, a) -> c.equals("list-commands") ? commands(false) : ok(EMPTY);
        KeaBackend b = KeaBackend.open(kea, InstantSource.system(), n -> true);
        Subnet s = subnet(b);
        assertThatThrownBy(() -> b.activeLeases(s)).isInstanceOf(LeasesUnavailableException.class);
        assertThatThrownBy(() -> b.activeLeaseByMac(s, R.mac())).isInstanceOf(LeasesUnavailableException.class);
        assertThatThrownBy(() -> b.activeLeaseByIp(s, R.ip())).isInstanceOf(LeasesUnavailableException.class);
        assertThat(kea.sent).doesNotContain("lease4-get", "lease4-get-all", "lease4-get-by-hw-address");
    }
}
