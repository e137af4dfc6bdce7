package org.bootproxy.dhcp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.bootproxy.testing.FullApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The /dhcp API through the whole application (core routing, auth, error mapping) on port 0, with
 * Foreman's exact request bodies. A lease is seeded into the state directory before start, as the
 * embedded server would have written it.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DhcpApiAppTest {

    static final String NET = "192.0.2.0";
    static final String FOREMAN_BODY = "hostname=h1.example.com&mac=aa%3Abb%3Acc%3Add%3Aee%3Aff&ip=192.0.2.10"
            + "&network=192.0.2.0&nextServer=tftp.example.com&filename=grub2%2Fgrubx64.efi&name=h1.example.com"
            + "&related_macs[]";
    static final String LEASE_MAC = "52:54:00:00:01:01";
    private static final Path DIR = FullApp.tempDir("dhcp-api-test");
    private static final Path STATE = DIR.resolve("state");

    static {
        try {
            Ipv4Network net = Ipv4Network.parse("192.0.2.0/25");
            try (EmbeddedBackend seed = EmbeddedBackend.open(STATE, List.of(), InstantSource.system())) {
                seed.saveLease(new Lease(Ipv4Address.parse("192.0.2.101"), MacAddress.parse(LEASE_MAC), net,
                        Instant.parse("2026-11-23T10:08:29Z"), Instant.parse("2099-11-23T22:08:29Z"), "pxe1"));
                seed.saveLease(new Lease(Ipv4Address.parse("192.0.2.102"), MacAddress.parse("52:54:00:00:01:02"), net,
                        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-01T12:00:00Z"), null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final DropwizardAppExtension<BootproxyConfiguration> APP = EmbeddedApp.extension(DIR, STATE, """
            - network: 192.0.2.0/25
              range: [192.0.2.100, 192.0.2.120]
              routers: [192.0.2.1]
              domain_name_servers: [192.0.2.1, 192.0.2.2]
              domain_name: example.com
              ntp_servers: [192.0.2.3]
              interface_mtu: 1500
            - network: 192.0.2.128/26
            """);
    private static final ObjectMapper JSON = new ObjectMapper();

    // ------------------------------------------------------------------ HTTP helpers

    static HttpResponse<String> send(String method, String path, String form) throws Exception {
        return FullApp.send(APP.getLocalPort(), method, path, form, "Accept", "application/json",
                "X-Request-Id", "test-1");
    }

    static HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
                "application/json"));
        JsonNode n = JSON.readTree(r.body());
        assertNoSparcKeys(n);
        return n;
    }

    static void assertStatus(HttpResponse<String> r, int status, String body) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.uri() + ": " + r.body()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(body);
    }

    static void assertNoSparcKeys(JsonNode n) {
        if (n.isObject()) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                assertThat(k).doesNotContainIgnoringCase("sun");
                assertNoSparcKeys(n.get(k));
            }
        } else if (n.isArray()) {
            n.forEach(DhcpApiAppTest::assertNoSparcKeys);
        }
    }

    private static String state() throws Exception {
        return get("/dhcp/" + NET).body();
    }

    // ------------------------------------------------------------------ subnets

    @Test
    void getDhcp_listsSubnetsWithOptions() throws Exception {
        assertThat(json("/dhcp").toString()).isEqualTo("[{\"network\":\"192.0.2.0\",\"netmask\":\"255.255.255.128\","
                + "\"options\":{\"routers\":[\"192.0.2.1\"],\"domain_name_servers\":[\"192.0.2.1\",\"192.0.2.2\"],"
                + "\"range\":[\"192.0.2.100\",\"192.0.2.120\"],\"domain_name\":\"example.com\","
                + "\"ntp_servers\":[\"192.0.2.3\"],\"interface_mtu\":1500}},"
                + "{\"network\":\"192.0.2.128\",\"netmask\":\"255.255.255.192\",\"options\":{}}]");
        // Foreman's REST client asks for the list as "/dhcp/" (the resource URL joined with "")
        assertThat(json("/dhcp/")).isEqualTo(json("/dhcp"));
    }

    @Test
    void getSubnet_unknownOrMalformed_is404() throws Exception {
        assertStatus(get("/dhcp/198.51.100.0"), 404, "Subnet 198.51.100.0 not found");
        assertStatus(get("/dhcp/192.0.2.1"), 404, "Subnet 192.0.2.1 not found");
        assertStatus(get("/dhcp/not-a-net"), 404, "Subnet not-a-net not found");
        assertThat(get("/dhcp/198.51.100.0").headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
    }

    @Test
    void getSubnet_showsReservationsAndActiveLeasesOnly() throws Exception {
        JsonNode n = json("/dhcp/" + NET);
        assertThat(n.fieldNames()).toIterable().containsExactly("reservations", "leases");
        assertThat(n.get("leases").toString()).isEqualTo("[{\"name\":\"lease-525400000101\",\"ip\":\"192.0.2.101\","
                + "\"mac\":\"52:54:00:00:01:01\",\"subnet\":\"192.0.2.0/255.255.255.128\","
                + "\"starts\":\"2026-11-23 10:08:29 UTC\",\"ends\":\"2099-11-23 22:08:29 UTC\",\"state\":\"active\","
                + "\"type\":\"lease\"}]");
        assertThat(json("/dhcp/192.0.2.128").toString()).isEqualTo("{\"reservations\":[],\"leases\":[]}");
    }

    // ------------------------------------------------------------------ create and read

    @Test
    void post_foremansExactBody_createsReservation_andLookupsAreExact() throws Exception {
        HttpResponse<String> r = send("POST", "/dhcp/" + NET, FOREMAN_BODY);
        assertStatus(r, 200, "");
        String expected = "{\"name\":\"h1.example.com\",\"ip\":\"192.0.2.10\",\"mac\":\"aa:bb:cc:dd:ee:ff\","
                + "\"subnet\":\"192.0.2.0/255.255.255.128\",\"type\":\"reservation\",\"deleteable\":true,"
                + "\"hostname\":\"h1.example.com\",\"filename\":\"grub2/grubx64.efi\","
                + "\"nextServer\":\"tftp.example.com\"}";
        assertThat(json("/dhcp/" + NET + "/mac/aa:bb:cc:dd:ee:ff").toString()).isEqualTo(expected);
        assertThat(json("/dhcp/" + NET + "/mac/AA:BB:CC:DD:EE:FF").toString()).isEqualTo(expected);
        assertThat(json("/dhcp/" + NET + "/ip/192.0.2.10").toString()).isEqualTo("[" + expected + "]");
        assertThat(json("/dhcp/" + NET).get("reservations").toString()).contains(expected);

        // Foreman re-sends the same reservation: 200, nothing changes
        String before = state();
        assertStatus(send("POST", "/dhcp/" + NET, FOREMAN_BODY), 200, "");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void post_conflicts_are409_andChangeNothing() throws Exception {
        String body = "hostname=c1.example.com&mac=aa%3Abb%3Acc%3A00%3A00%3A01&ip=192.0.2.20&network=192.0.2.0"
                + "&filename=pxelinux.0&name=c1.example.com&related_macs[]";
        assertStatus(send("POST", "/dhcp/" + NET, body), 200, "");
        String before = state();
        // same MAC, other IP
        assertStatus(send("POST", "/dhcp/" + NET, body.replace("192.0.2.20", "192.0.2.21")), 409,
                "Record 192.0.2.0/192.0.2.21 already exists");
        // same IP, other MAC
        assertStatus(send("POST", "/dhcp/" + NET, body.replace("00%3A01", "00%3A02")), 409,
                "Record 192.0.2.0/192.0.2.20 already exists");
        // same MAC and IP, other filename
        assertStatus(send("POST", "/dhcp/" + NET, body.replace("pxelinux.0", "grub2%2Fshimx64.efi")), 409,
                "Record 192.0.2.0/192.0.2.20 already exists");
        // a lease on the IP is no conflict for a reservation
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void post_reservationOverALeasedIp_isAllowed() throws Exception {
        String body = "hostname=l1.example.com&mac=aa%3Abb%3Acc%3A00%3A01%3A01&ip=192.0.2.101&network=192.0.2.0";
        assertStatus(send("POST", "/dhcp/" + NET, body), 200, "");
        JsonNode byIp = json("/dhcp/" + NET + "/ip/192.0.2.101");
        assertThat(byIp).hasSize(2);
        assertThat(byIp.get(0).get("type").asText()).isEqualTo("reservation");
        assertThat(byIp.get(1).get("type").asText()).isEqualTo("lease");
        assertStatus(send("DELETE", "/dhcp/" + NET + "/ip/192.0.2.101", null), 200, "");
        assertThat(json("/dhcp/" + NET + "/ip/192.0.2.101")).hasSize(1);
    }

    @Test
    void post_badInput_is400_namingTheValue_andChangesNothing() throws Exception {
        String ok = "hostname=b1.example.com&mac=aa%3Abb%3Acc%3A00%3A00%3A31&ip=192.0.2.31&network=192.0.2.0";
        String before = state();
        assertStatus(send("POST", "/dhcp/" + NET, "mac=aa%3Abb%3Acc%3A00%3A00%3A31&ip=192.0.2.31&network=192.0.2.0"),
                400, "Must provide hostname");
        assertStatus(send("POST", "/dhcp/" + NET, ok.replace("hostname=b1.example.com", "hostname=&name=")), 400,
                "Must provide hostname");
        assertStatus(send("POST", "/dhcp/" + NET, ok.replace("aa%3Abb%3Acc%3A00%3A00%3A31", "zz%3A11")), 400,
                "Invalid MAC address: zz:11");
        assertStatus(send("POST", "/dhcp/" + NET, ok.replace("mac=aa%3Abb%3Acc%3A00%3A00%3A31&", "")), 400,
                "Must provide mac");
        assertStatus(send("POST", "/dhcp/" + NET, ok.replace("192.0.2.31", "192.0.2.310")), 400,
                "Invalid IP address: 192.0.2.310");
        assertStatus(send("POST", "/dhcp/" + NET, ok.replace("ip=192.0.2.31&", "")), 400, "Must provide ip");
        assertStatus(send("POST", "/dhcp/" + NET, ok.replace("192.0.2.31", "198.51.100.7")), 400,
                "IP 198.51.100.7 is not a host address of subnet 192.0.2.0/25");
        assertStatus(send("POST", "/dhcp/" + NET, ok.replace("192.0.2.31", "192.0.2.127")), 400,
                "IP 192.0.2.127 is not a host address of subnet 192.0.2.0/25");
        assertStatus(send("POST", "/dhcp/" + NET, ok + "&nextServer=bad_host!"), 400,
                "Invalid nextServer (an IPv4 address or a host name): bad_host!");
        assertStatus(send("POST", "/dhcp/" + NET, ok + "&related_macs[]=nope"), 400, "Invalid MAC address: nope");
        assertStatus(send("POST", "/dhcp/" + NET, ok + "&%3CSUNW%3Eroot_server_ip=192.0.2.1"), 400,
                "Vendor options are not supported by this DHCP provider: <SUNW>root_server_ip");
        assertStatus(send("POST", "/dhcp/" + NET, ok + "&bad%20key=x"), 400, "Invalid option name: bad key");
        assertStatus(send("POST", "/dhcp/" + NET, ok + "&v[SUNW.root]=x"), 400,
                "Vendor options are not supported by this DHCP provider: v[SUNW.root]");
        assertStatus(send("POST", "/dhcp/" + NET, ok + "&sun4u_root=x"), 400,
                "Vendor options are not supported by this DHCP provider: sun4u_root");
        assertStatus(send("POST", "/dhcp/" + NET, ok + "&filename=" + "a".repeat(300)), 400,
                "Value of filename is longer than 255 bytes: " + "a".repeat(40) + "...");
        assertStatus(send("POST", "/dhcp/" + NET, ok + "&filename=a%0Ab"), 400,
                "Invalid filename (control character): a?b");
        assertStatus(send("POST", "/dhcp/198.51.100.0", ok), 404, "Subnet 198.51.100.0 not found");
        StringBuilder many = new StringBuilder(ok);
        for (int i = 0; i < 33; i++) {
            many.append("&opt").append(i).append("=x");
        }
        assertThat(send("POST", "/dhcp/" + NET, many.toString()).statusCode()).isEqualTo(400);
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void post_routeNetworkWins_relatedMacsAndOptionsPassThrough_nameAloneIsHostname() throws Exception {
        // the body's network is ignored in favour of the route's; related_macs[] repeated; an option passed through
        String body = "name=r1.example.com&mac=AA-BB-CC-00-00-41&ip=192.0.2.41&network=203.0.113.0"
                + "&related_macs[]=AA%3ABB%3ACC%3A00%3A01%3A41&related_macs[]=aa%3Abb%3Acc%3A00%3A02%3A41"
                + "&related_macs[]&x_custom=1&ztp_vendor=juniper&ztp_firmware[core]=jinstall.tgz";
        assertStatus(send("POST", "/dhcp/" + NET, body), 200, "");
        assertThat(json("/dhcp/" + NET + "/mac/aa:bb:cc:00:00:41").toString()).isEqualTo(
                "{\"name\":\"r1.example.com\",\"ip\":\"192.0.2.41\",\"mac\":\"aa:bb:cc:00:00:41\","
                + "\"subnet\":\"192.0.2.0/255.255.255.128\",\"type\":\"reservation\",\"deleteable\":true,"
                + "\"hostname\":\"r1.example.com\",\"related_macs\":[\"aa:bb:cc:00:01:41\",\"aa:bb:cc:00:02:41\"],"
                + "\"x_custom\":\"1\",\"ztp_firmware[core]\":\"jinstall.tgz\",\"ztp_vendor\":\"juniper\"}");
        // lookups are exact: a related MAC is not the reservation's MAC
        assertStatus(get("/dhcp/" + NET + "/mac/aa:bb:cc:00:01:41"), 404,
                "No DHCP record for MAC aa:bb:cc:00:01:41 in 192.0.2.0");
    }

    @Test
    void post_paramsInTheQueryString_work() throws Exception {
        assertStatus(send("POST", "/dhcp/" + NET + "?hostname=q1.example.com&mac=aa:bb:cc:00:00:51&ip=192.0.2.51",
                ""), 200, "");
        assertThat(json("/dhcp/" + NET + "/ip/192.0.2.51").get(0).get("name").asText()).isEqualTo("q1.example.com");
    }

    @Test
    void lookups_none_are404_bad_are400_leaseByMac_isTheLease() throws Exception {
        assertStatus(get("/dhcp/" + NET + "/mac/00:00:5e:00:53:99"), 404,
                "No DHCP record for MAC 00:00:5e:00:53:99 in 192.0.2.0");
        assertStatus(get("/dhcp/" + NET + "/ip/192.0.2.99"), 404, "No DHCP record for IP 192.0.2.99 in 192.0.2.0");
        assertStatus(get("/dhcp/" + NET + "/mac/nope"), 400, "Invalid MAC address: nope");
        assertStatus(get("/dhcp/" + NET + "/ip/1.2.3"), 400, "Invalid IP address: 1.2.3");
        assertStatus(get("/dhcp/198.51.100.0/mac/" + LEASE_MAC), 404, "Subnet 198.51.100.0 not found");
        assertThat(json("/dhcp/" + NET + "/mac/" + LEASE_MAC).get("type").asText()).isEqualTo("lease");
        // an expired lease is no record
        assertThat(get("/dhcp/" + NET + "/mac/52:54:00:00:01:02").statusCode()).isEqualTo(404);
        assertThat(get("/dhcp/" + NET + "/ip/192.0.2.102").statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ delete

    @Test
    void delete_byMacAndByIp_isIdempotent_andLeasesAreNotDeleteable() throws Exception {
        String a = "hostname=d1.example.com&mac=aa%3Abb%3Acc%3A00%3A00%3A61&ip=192.0.2.61";
        String b = "hostname=d2.example.com&mac=aa%3Abb%3Acc%3A00%3A00%3A62&ip=192.0.2.62";
        assertStatus(send("POST", "/dhcp/" + NET, a), 200, "");
        assertStatus(send("POST", "/dhcp/" + NET, b), 200, "");

        assertStatus(send("DELETE", "/dhcp/" + NET + "/mac/AA:BB:CC:00:00:61", null), 200, "");
        assertThat(get("/dhcp/" + NET + "/mac/aa:bb:cc:00:00:61").statusCode()).isEqualTo(404);
        assertStatus(send("DELETE", "/dhcp/" + NET + "/mac/aa:bb:cc:00:00:61", null), 200, "");

        assertStatus(send("DELETE", "/dhcp/" + NET + "/ip/192.0.2.62", null), 200, "");
        assertThat(get("/dhcp/" + NET + "/ip/192.0.2.62").statusCode()).isEqualTo(404);
        assertStatus(send("DELETE", "/dhcp/" + NET + "/ip/192.0.2.62", null), 200, "");

        String before = state();
        assertStatus(send("DELETE", "/dhcp/" + NET + "/mac/" + LEASE_MAC, null), 400,
                "Record 192.0.2.0/192.0.2.101 is a lease and cannot be deleted");
        assertStatus(send("DELETE", "/dhcp/" + NET + "/mac/bad", null), 400, "Invalid MAC address: bad");
        assertStatus(send("DELETE", "/dhcp/" + NET + "/ip/192.0.2.999", null), 400,
                "Invalid IP address: 192.0.2.999");
        assertStatus(send("DELETE", "/dhcp/198.51.100.0/ip/198.51.100.1", null), 404,
                "Subnet 198.51.100.0 not found");
        assertThat(state()).isEqualTo(before);
        // a re-create after delete works
        assertStatus(send("POST", "/dhcp/" + NET, a), 200, "");
    }

    // ------------------------------------------------------------------ unused_ip

    @Test
    void unusedIp_isFreeAndInRange_rememberedPerMac() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            String mac = "aa:bb:cc:00:07:0" + i;
            JsonNode n = json("/dhcp/" + NET + "/unused_ip?mac=" + mac + "&from=192.0.2.100&to=192.0.2.120");
            String ip = n.get("ip").asText();
            Ipv4Address a = Ipv4Address.parse(ip);
            assertThat(a).isBetween(Ipv4Address.parse("192.0.2.100"), Ipv4Address.parse("192.0.2.120"));
            assertThat(ip).isNotEqualTo("192.0.2.101"); // leased
            assertThat(seen.add(ip)).as("suggested twice within 30 minutes: " + ip).isTrue();
            // the same MAC asking again gets the same suggestion
            assertThat(json("/dhcp/" + NET + "/unused_ip?mac=" + mac + "&from=192.0.2.100&to=192.0.2.120")
                    .get("ip").asText()).isEqualTo(ip);
        }
    }

    @Test
    void unusedIp_reusesTheMacsAddress_andBareQuestionMarkWorks() throws Exception {
        assertThat(json("/dhcp/" + NET + "/unused_ip?mac=" + LEASE_MAC).get("ip").asText()).isEqualTo("192.0.2.101");
        assertThat(json("/dhcp/" + NET + "/unused_ip?mac=" + LEASE_MAC + "&from=192.0.2.110&to=192.0.2.115")
                .get("ip").asText()).startsWith("192.0.2.1").isNotEqualTo("192.0.2.101");
        JsonNode n = json("/dhcp/" + NET + "/unused_ip?");
        assertThat(Ipv4Address.parse(n.get("ip").asText())).isBetween(Ipv4Address.parse("192.0.2.4"),
                Ipv4Address.parse("192.0.2.126"));
    }

    @Test
    void unusedIp_exhaustedRange_isNull() throws Exception {
        // 192.0.2.1 is the router, 192.0.2.2 a name server, 192.0.2.3 the NTP server: never free
        assertThat(json("/dhcp/" + NET + "/unused_ip?from=192.0.2.1&to=192.0.2.3").toString())
                .isEqualTo("{\"ip\":null}");
        // the network address is clipped away, not an error
        assertThat(json("/dhcp/192.0.2.128/unused_ip?from=192.0.2.128&to=192.0.2.129").toString())
                .isEqualTo("{\"ip\":\"192.0.2.129\"}");
    }

    @Test
    void unusedIp_badRange_is400_unknownSubnet_is404() throws Exception {
        assertStatus(get("/dhcp/" + NET + "/unused_ip?from=192.0.2.50&to=192.0.2.40"), 400,
                "Invalid range: from 192.0.2.50 is after to 192.0.2.40");
        assertStatus(get("/dhcp/" + NET + "/unused_ip?from=198.51.100.1"), 400,
                "Address 198.51.100.1 is not in subnet 192.0.2.0/25");
        assertStatus(get("/dhcp/" + NET + "/unused_ip?to=192.0.2.200"), 400,
                "Address 192.0.2.200 is not in subnet 192.0.2.0/25");
        assertStatus(get("/dhcp/" + NET + "/unused_ip?from=x"), 400, "Invalid 'from' address: x");
        assertStatus(get("/dhcp/" + NET + "/unused_ip?mac=zz"), 400, "Invalid MAC address: zz");
        assertStatus(get("/dhcp/198.51.100.0/unused_ip"), 404, "Subnet 198.51.100.0 not found");
    }

    // ------------------------------------------------------------------ features

    @Test
    void v2Features_showProviderAndCapabilities() throws Exception {
        JsonNode dhcp = json("/v2/features").get("dhcp");
        assertThat(dhcp.get("state").asText()).isEqualTo("running");
        assertThat(dhcp.get("settings").toString()).isEqualTo("{\"use_provider\":\"embedded\"}");
        assertThat(dhcp.get("capabilities").toString()).contains("\"dhcp_filename_ipv4\"")
                .contains("\"dhcp_filename_hostname\"");
        assertThat(json("/features").toString()).contains("\"dhcp\"");
    }

    @Test
    void healthCheck_reportsTheBackend() throws Exception {
        HttpResponse<String> r = FullApp.send(APP.getAdminPort(), "GET", "/healthcheck", null);
        JsonNode h = JSON.readTree(r.body());
        assertThat(h.get("dhcp.backend").get("healthy").asBoolean()).as(r.body()).isTrue();
        assertThat(h.get("dhcp.backend").get("message").asText()).isEqualTo("embedded");
    }

    @Test
    void oneInfoLinePerCreateAndDelete_inLogs() throws Exception {
        double since = System.currentTimeMillis() / 1000.0 - 1;
        String body = "hostname=g1.example.com&mac=aa%3Abb%3Acc%3A00%3A00%3A81&ip=192.0.2.81";
        assertStatus(send("POST", "/dhcp/" + NET, body), 200, "");
        assertStatus(send("POST", "/dhcp/" + NET, body), 200, ""); // the no-op logs nothing at INFO
        assertStatus(send("DELETE", "/dhcp/" + NET + "/mac/aa:bb:cc:00:00:81", null), 200, "");
        List<String> lines = new java.util.ArrayList<>();
        for (JsonNode l : json("/logs?from_timestamp=" + since).get("logs")) {
            String m = l.get("message").asText();
            if (m.contains("g1.example.com")) {
                lines.add(l.get("level").asText() + " " + m);
            }
        }
        assertThat(lines).containsExactly(
                "INFO DHCP reservation created: g1.example.com aa:bb:cc:00:00:81 192.0.2.81 in 192.0.2.0/25 "
                        + "(filename=null, nextServer=null)",
                "INFO DHCP reservation deleted: g1.example.com aa:bb:cc:00:00:81 192.0.2.81 in 192.0.2.0/25");
    }

    // ------------------------------------------------------------------ bonded hosts

    @Test
    void bondedHost_oneReservationPerMac_shareTheIp_listedTogether_deletedOneByOne() throws Exception {
        // exactly what Foreman posts for a host with two NICs on one IP
        String nic1 = "hostname=bond-01.example.com&mac=aa%3Abb%3Acc%3A00%3A07%3A01&ip=192.0.2.70&network=192.0.2.0"
                + "&nextServer=192.0.2.1&filename=pxelinux.0&name=bond-01.example.com"
                + "&related_macs[]=aa%3Abb%3Acc%3A00%3A07%3A02";
        String nic2 = nic1.replace("bond-01", "bond-02").replace("00%3A07%3A01", "00%3A07%3AXX")
                .replace("00%3A07%3A02", "00%3A07%3A01").replace("00%3A07%3AXX", "00%3A07%3A02");
        assertStatus(send("POST", "/dhcp/" + NET, nic1), 200, "");
        assertStatus(send("POST", "/dhcp/" + NET, nic2), 200, "");
        // re-sent by Foreman: no conflict
        assertStatus(send("POST", "/dhcp/" + NET, nic1), 200, "");
        assertStatus(send("POST", "/dhcp/" + NET, nic2), 200, "");
        JsonNode both = json("/dhcp/" + NET + "/ip/192.0.2.70");
        assertThat(both).hasSize(2);
        assertThat(both.get(0).get("name").asText()).isEqualTo("bond-01.example.com");
        assertThat(both.get(1).get("name").asText()).isEqualTo("bond-02.example.com");
        assertThat(json("/dhcp/" + NET + "/mac/aa:bb:cc:00:07:02").get("name").asText())
                .isEqualTo("bond-02.example.com");
        // a MAC the others do not name is still a conflict
        assertStatus(send("POST", "/dhcp/" + NET, nic1.replace("mac=aa%3Abb%3Acc%3A00%3A07%3A01",
                "mac=aa%3Abb%3Acc%3A00%3A07%3A03")), 409, "Record 192.0.2.0/192.0.2.70 already exists");
        // deleting one leaves the other
        assertStatus(send("DELETE", "/dhcp/" + NET + "/mac/aa:bb:cc:00:07:01", null), 200, "");
        JsonNode left = json("/dhcp/" + NET + "/ip/192.0.2.70");
        assertThat(left).hasSize(1);
        assertThat(left.get(0).get("mac").asText()).isEqualTo("aa:bb:cc:00:07:02");
        // DELETE by IP removes every reservation of the IP, as smart-proxy does
        assertStatus(send("POST", "/dhcp/" + NET, nic1), 200, "");
        assertStatus(send("DELETE", "/dhcp/" + NET + "/ip/192.0.2.70", null), 200, "");
        assertThat(get("/dhcp/" + NET + "/ip/192.0.2.70").statusCode()).isEqualTo(404);
    }
}
