package org.bootproxy.dhcp.backend.kea;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.bootproxy.dhcp.api.AddressProbe;
import org.bootproxy.dhcp.api.DhcpResource;
import org.bootproxy.dhcp.api.UnusedIpFinder;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kea} provider's host_cmds path (Kea 2.7.7 and later; Debian's Kea 2.2 has no
 * host_cmds, so {@code KeaLiveTest} covers the config-set path) against a fake kea-dhcp4 on a
 * unix control socket that answers as the Kea ARM documents it: section "libdhcp_host_cmds.so:
 * Host Commands" (doc/sphinx/arm/hooks-host-cmds.rst: "The subnet-id Parameter", "The
 * operation-target Parameter", "The reservation-add Command", "The reservation-get Command",
 * "The reservation-get-by-address Command", "The reservation-get-page Command", "The
 * reservation-del Command"), with the duplicate rules of Kea's CfgHosts::add4 and the
 * next-server rule of Host::setNextServer. Asserts the exact commands bootproxy sends and what
 * the {@code /dhcp} API answers.
 */
class KeaHostCmdsTest {

    static final String NET = "192.0.2.0";
    static final String FOREMAN_POST = "hostname=h1.example.com&mac=52%3A54%3A00%3Aab%3Acd%3Aef&ip=192.0.2.10"
            + "&network=192.0.2.0&nextServer=192.0.2.7&filename=grub2%2Fshimx64.efi&name=h1.example.com"
            + "&related_macs[]";
    /** What {@code reservation-add} carries for FOREMAN_POST, without {@code operation-target}. */
    static final String FOREMAN_HOST = """
            {"subnet-id": 1, "hw-address": "52:54:00:ab:cd:ef", "ip-address": "192.0.2.10",
             "hostname": "h1.example.com", "boot-file-name": "grub2/shimx64.efi", "next-server": "192.0.2.7",
             "user-context": {"bootproxy": {"name": "h1.example.com", "related-macs": [], "options": {}}}}""";

    /** One subnet, id 1, with one reservation from the configuration file. */
    static final String CONFIG = """
            {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100 - 192.0.2.150"}],
              "reservations": [{"hw-address": "52:54:00:00:00:f1", "ip-address": "192.0.2.5", "hostname": "static1",
                "boot-file-name": "", "next-server": "0.0.0.0", "server-hostname": "", "client-classes": [],
                "option-data": []}]}]%s}""";
    static final String NO_DATABASE = CONFIG.formatted("");
    static final String WITH_DATABASE = CONFIG.formatted(", \"hosts-databases\": [{\"type\": \"postgresql\","
            + " \"name\": \"kea\", \"host\": \"192.0.2.2\", \"user\": \"kea\"}]");

    @TempDir
    Path dir;
    ScriptedKea kea;
    HostCmdsKea model;
    KeaBackend backend;
    DhcpResource api;

    private void start(HostCmdsKea m) throws Exception {
        model = m;
        kea = new ScriptedKea();
        kea.script = m;
        Path socket = dir.resolve("kea4-ctrl-socket");
        kea.listen(socket);
        backend = KeaBackend.open(new KeaSettings(socket, null, null, null), InstantSource.system(), n -> true);
        api = new DhcpResource(backend, new UnusedIpFinder(new AddressProbe.None(), InstantSource.system(),
                new Random(1)), InstantSource.system());
    }

    @AfterEach
    void stop() throws Exception {
        if (kea != null) {
            kea.close();
        }
    }

    // ------------------------------------------------------------------ without a hosts database

    @Test
    void foremansPost_isOneReservationAddToMemory_thenConfigWrite_neverConfigSet() throws Exception {
        start(new HostCmdsKea(NO_DATABASE));
        assertThat(kea.sent).containsExactly("list-commands", "version-get", "config-get");
        int mark = kea.sent.size();

        assertThat(post(FOREMAN_POST)).isEqualTo(new Answer(200, ""));

        assertThat(since(mark)).containsExactly("config-get", "reservation-add", "config-write");
        assertThat(command("reservation-add")).isEqualTo(json("""
                {"command": "reservation-add", "arguments": {"reservation": %s, "operation-target": "memory"}}"""
                .formatted(FOREMAN_HOST)));
        assertThat(model.writtenMacs()).as("config-write saved it").contains("52:54:00:ab:cd:ef");
        Reservation r = backend.reservationByMac(subnet(), MacAddress.parse("52:54:00:ab:cd:ef")).orElseThrow();
        assertThat(r.ip()).hasToString("192.0.2.10");
        assertThat(r.filename()).isEqualTo("grub2/shimx64.efi");
        assertThat(r.nextServer()).isEqualTo("192.0.2.7");
        assertThat(r.name()).isEqualTo("h1.example.com");
    }

    @Test
    void identicalRePost_is200_andSendsNoWrite_conflictingOnesAre409_andSendNoWrite() throws Exception {
        start(new HostCmdsKea(NO_DATABASE));
        assertThat(post(FOREMAN_POST).status()).isEqualTo(200);
        int mark = kea.sent.size();

        assertThat(post(FOREMAN_POST)).isEqualTo(new Answer(200, ""));
        assertThat(post(FOREMAN_POST.replace("192.0.2.10", "192.0.2.11")))
                .isEqualTo(new Answer(409, "Record 192.0.2.0/192.0.2.11 already exists"));
        assertThat(post(FOREMAN_POST.replace("3Aef", "3Aee")).status()).as("same IP, other MAC").isEqualTo(409);
        assertThat(post(FOREMAN_POST.replace("192.0.2.10", "192.0.2.5").replace("3Aef", "3Aee")).status())
                .as("the IP of the configuration file's reservation").isEqualTo(409);
        assertThat(since(mark)).doesNotContain("reservation-add", "reservation-del", "config-set", "config-write");
    }

    @Test
    void keaRefusingTheHost_is400WithKeasText_andLeavesNothing() throws Exception {
        start(new HostCmdsKea(NO_DATABASE));
        int mark = kea.sent.size();

        Answer a = post(FOREMAN_POST.replace("192.0.2.7", "255.255.255.255"));

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).contains("invalid next server address '255.255.255.255'");
        assertThat(since(mark)).contains("reservation-add").doesNotContain("config-write");
        assertThat(backend.reservationByMac(subnet(), MacAddress.parse("52:54:00:ab:cd:ef"))).isEmpty();
    }

    @Test
    void aReservationAddedBehindBootproxysBack_whileItWrote_isA409_notA400() throws Exception {
        HostCmdsKea m = new HostCmdsKea(NO_DATABASE);
        // another client's reservation-add of the same IP lands between bootproxy's read and its add
        m.beforeAdd = () -> m.memoryHosts(1).add(json("""
                {"hw-address": "52:54:00:00:00:99", "ip-address": "192.0.2.10", "hostname": "other"}"""));
        start(m);

        Answer a = post(FOREMAN_POST);

        assertThat(a.status()).isEqualTo(409);
        assertThat(a.body()).contains("192.0.2.10");
        assertThat(kea.sent).doesNotContain("config-write");
    }

    @Test
    void aFailedConfigWrite_deletesTheHostFromMemoryAgain_andIsA503() throws Exception {
        HostCmdsKea m = new HostCmdsKea(NO_DATABASE);
        m.configWriteFailure = "Unable to open file /etc/kea/kea-dhcp4.conf for writing";
        start(m);
        int mark = kea.sent.size();

        Answer a = post(FOREMAN_POST);

        assertThat(a.status()).isEqualTo(503);
        assertThat(a.body()).contains("Unable to open file", "deleted from the running configuration again");
        assertThat(since(mark)).containsExactly("config-get", "reservation-add", "config-write", "reservation-del");
        assertThat(command("reservation-del")).isEqualTo(json("""
                {"command": "reservation-del", "arguments": {"subnet-id": 1, "identifier-type": "hw-address",
                 "identifier": "52:54:00:ab:cd:ef", "operation-target": "memory"}}"""));
        assertThat(m.memoryMacs()).doesNotContain("52:54:00:ab:cd:ef");
    }

    @Test
    void delete_ofAConfigurationFileReservation_isReservationDelFromMemory_thenConfigWrite() throws Exception {
        start(new HostCmdsKea(NO_DATABASE));
        int mark = kea.sent.size();

        assertThat(delete("52:54:00:00:00:f1").status()).isEqualTo(200);

        assertThat(since(mark)).containsSubsequence("reservation-del", "config-write").doesNotContain("config-set");
        assertThat(command("reservation-del")).isEqualTo(json("""
                {"command": "reservation-del", "arguments": {"subnet-id": 1, "identifier-type": "hw-address",
                 "identifier": "52:54:00:00:00:f1", "operation-target": "memory"}}"""));
        assertThat(model.writtenMacs()).doesNotContain("52:54:00:00:00:f1");
        assertThat(backend.reservationByMac(subnet(), MacAddress.parse("52:54:00:00:00:f1"))).isEmpty();
    }

    @Test
    void bondedHosts_shareAnIp_afterIpReservationsUniqueIsTurnedOff() throws Exception {
        start(new HostCmdsKea(NO_DATABASE));
        String a = "hostname=b1-01&mac=52:54:00:00:77:01&ip=192.0.2.30&related_macs[]=52:54:00:00:77:02";
        String b = "hostname=b1-02&mac=52:54:00:00:77:02&ip=192.0.2.30&related_macs[]=52:54:00:00:77:01";
        assertThat(post(a).status()).isEqualTo(200);
        int mark = kea.sent.size();

        assertThat(post(b)).isEqualTo(new Answer(200, ""));

        assertThat(since(mark)).containsSubsequence("config-set", "config-write", "reservation-add", "config-write");
        assertThat(model.dhcp4().path("ip-reservations-unique").asBoolean(true)).isFalse();
        assertThat(backend.reservationsByIp(subnet(), org.bootproxy.spi.net.Ipv4Address.parse("192.0.2.30")))
                .extracting(r -> r.mac().toString()).containsExactly("52:54:00:00:77:01", "52:54:00:00:77:02");
    }

    // ------------------------------------------------------------------ with a hosts database

    @Test
    void withAHostsDatabase_postGoesToTheDatabase_andNeedsNoConfigWrite() throws Exception {
        start(new HostCmdsKea(WITH_DATABASE));
        int mark = kea.sent.size();

        assertThat(post(FOREMAN_POST)).isEqualTo(new Answer(200, ""));

        assertThat(since(mark)).containsExactly("config-get", "reservation-get", "reservation-get-by-address",
                "reservation-add");
        assertThat(command("reservation-get")).isEqualTo(json("""
                {"command": "reservation-get", "arguments": {"subnet-id": 1, "identifier-type": "hw-address",
                 "identifier": "52:54:00:ab:cd:ef", "operation-target": "database"}}"""));
        assertThat(command("reservation-get-by-address")).isEqualTo(json("""
                {"command": "reservation-get-by-address", "arguments": {"subnet-id": 1, "ip-address": "192.0.2.10",
                 "operation-target": "database"}}"""));
        assertThat(command("reservation-add")).isEqualTo(json("""
                {"command": "reservation-add", "arguments": {"reservation": %s, "operation-target": "database"}}"""
                .formatted(FOREMAN_HOST)));
        assertThat(model.databaseMacs()).containsExactly("52:54:00:ab:cd:ef");
        assertThat(model.memoryMacs()).doesNotContain("52:54:00:ab:cd:ef");

        mark = kea.sent.size();
        assertThat(post(FOREMAN_POST).status()).as("identical, found in the database").isEqualTo(200);
        assertThat(post(FOREMAN_POST.replace("192.0.2.10", "192.0.2.12")).status()).isEqualTo(409);
        assertThat(since(mark)).doesNotContain("reservation-add");
    }

    @Test
    void withAHostsDatabase_readsShowBothSources_andDeleteRemovesFromWhereTheHostIs() throws Exception {
        HostCmdsKea m = new HostCmdsKea(WITH_DATABASE);
        for (int i = 1; i <= 5; i++) { // more than one page of the fake's page size
            m.database.add((ObjectNode) json("""
                    {"subnet-id": 1, "hw-address": "52:54:00:00:10:0%d", "ip-address": "192.0.2.4%d",
                     "hostname": "db%d", "boot-file-name": "", "next-server": "0.0.0.0", "server-hostname": "",
                     "client-classes": [], "option-data": []}""".formatted(i, i, i)));
        }
        start(m);

        assertThat(backend.reservations(subnet())).extracting(r -> r.mac().toString()).containsExactly(
                "52:54:00:00:00:f1", "52:54:00:00:10:01", "52:54:00:00:10:02", "52:54:00:00:10:03",
                "52:54:00:00:10:04", "52:54:00:00:10:05");
        assertThat(kea.commands.stream().filter(c -> c.path("command").asText().equals("reservation-get-page"))
                .map(c -> c.get("arguments")).toList()).as("chained through 'next'").startsWith(json("""
                {"limit": 1000, "source-index": 0, "from": 0}"""));
        int mark = kea.sent.size();

        assertThat(delete("52:54:00:00:10:03").status()).isEqualTo(200);
        assertThat(since(mark)).doesNotContain("config-write", "config-set");
        assertThat(command("reservation-del")).isEqualTo(json("""
                {"command": "reservation-del", "arguments": {"subnet-id": 1, "identifier-type": "hw-address",
                 "identifier": "52:54:00:00:10:03", "operation-target": "database"}}"""));
        assertThat(m.databaseMacs()).doesNotContain("52:54:00:00:10:03").hasSize(4);

        mark = kea.sent.size();
        assertThat(delete("52:54:00:00:00:f1").status()).isEqualTo(200);
        assertThat(since(mark)).containsSubsequence("reservation-del", "config-write");
        assertThat(command("reservation-del").path("arguments").path("operation-target").asText()).isEqualTo("memory");
        assertThat(m.writtenMacs()).doesNotContain("52:54:00:00:00:f1");
    }

    @Test
    void aReadOnlyHostsDatabase_isReadButNotWritten_itsHostsAreNotDeleteable() throws Exception {
        HostCmdsKea m = new HostCmdsKea(WITH_DATABASE.replace("\"user\": \"kea\"", "\"user\": \"kea\","
                + " \"readonly\": true"));
        m.database.add((ObjectNode) json("""
                {"subnet-id": 1, "hw-address": "52:54:00:00:10:01", "ip-address": "192.0.2.41", "hostname": "db1"}"""));
        start(m);

        Reservation stored = backend.reservationByMac(subnet(), MacAddress.parse("52:54:00:00:10:01")).orElseThrow();
        assertThat(stored.deleteable()).isFalse();
        Answer del = delete("52:54:00:00:10:01");
        assertThat(del.status()).isEqualTo(400);
        assertThat(del.body()).contains("read-only hosts database");
        assertThat(m.databaseMacs()).containsExactly("52:54:00:00:10:01");

        assertThat(post(FOREMAN_POST).status()).isEqualTo(200);
        assertThat(command("reservation-add").path("arguments").path("operation-target").asText())
                .isEqualTo("memory");
        assertThat(m.writtenMacs()).contains("52:54:00:ab:cd:ef");
    }

    // ------------------------------------------------------------------ faults and versions

    @Test
    void keaHangingUpOnReservationAdd_is503_andAStoppedKeaToo() throws Exception {
        HostCmdsKea m = new HostCmdsKea(NO_DATABASE);
        m.hangUpOn.add("reservation-add");
        start(m);

        Answer hungUp = post(FOREMAN_POST);
        assertThat(hungUp.status()).isEqualTo(503);
        assertThat(hungUp.body()).contains("closed the connection without a complete answer to 'reservation-add'");

        kea.close();
        Answer down = post(FOREMAN_POST);
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body()).contains("Kea is not reachable at control socket");
        assertThat(delete("52:54:00:00:00:f1").status()).isEqualTo(503);
        assertThat(m.memoryMacs()).containsExactly("52:54:00:00:00:f1");
    }

    @Test
    void hostCmdsOnAKeaOlderThan24_isNotUsed_theConfigurationPathIs() throws Exception {
        HostCmdsKea m = new HostCmdsKea(NO_DATABASE);
        m.version = "2.2.0";
        start(m);

        assertThat(post(FOREMAN_POST).status()).isEqualTo(200);

        assertThat(kea.sent).contains("config-set", "config-write").doesNotContain("reservation-add");
        assertThat(m.memoryMacs()).contains("52:54:00:ab:cd:ef");
    }

    @Test
    void hostCmdsOnAKeaWhoseVersionIsUnknown_isNotUsed_andTheStartLineDoesNotCallItOlder() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(KeaBackend.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        log.addAppender(events);
        try {
            HostCmdsKea m = new HostCmdsKea(NO_DATABASE);
            m.version = "";
            start(m);
            assertThat(post(FOREMAN_POST).status()).isEqualTo(200);
            assertThat(kea.sent).contains("config-set").doesNotContain("reservation-add");
            assertThat(events.list).map(e -> e.getFormattedMessage())
                    .filteredOn(l -> l.startsWith("Kea provider on "))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("host_cmds loaded but not used: version-get named no version")
                    .doesNotContain("null");
        } finally {
            log.detachAppender(events);
        }
    }

    @Test
    void atLeast_readsKeasVersionText() {
        assertThat(KeaBackend.atLeast("2.7.7", 2, 4)).isTrue();
        assertThat(KeaBackend.atLeast("3.0.0-isc20250623", 2, 4)).isTrue();
        assertThat(KeaBackend.atLeast("2.4.0", 2, 4)).isTrue();
        assertThat(KeaBackend.atLeast("2.2.0", 2, 4)).isFalse();
        assertThat(KeaBackend.atLeast("", 2, 4)).isFalse();
        assertThat(KeaBackend.atLeast(null, 2, 4)).isFalse();
        assertThat(KeaBackend.atLeast("2.6.1-isc20240725", 2, 4)).isTrue();
        assertThat(KeaBackend.atLeast("2.7.7-git", 2, 4)).isTrue();
        assertThat(KeaBackend.atLeast("2.10.0", 2, 4)).isTrue();
        assertThat(KeaBackend.atLeast("1.9.10", 2, 4)).isFalse();
        assertThat(KeaBackend.atLeast("kea 2.6.1", 2, 4)).as("not a version text: the safe path").isFalse();
    }

    // ------------------------------------------------------------------ helpers

    record Answer(int status, String body) {
    }

    private Answer post(String body) {
        return call(() -> api.create(NET, null, body));
    }

    private Answer delete(String mac) {
        return call(() -> api.deleteByMac(NET, mac));
    }

    private static Answer call(Supplier<Response> request) {
        try {
            Response r = request.get();
            return new Answer(r.getStatus(), r.hasEntity() ? String.valueOf(r.getEntity()) : "");
        } catch (WebApplicationException e) {
            Object entity = e.getResponse().getEntity();
            return new Answer(e.getResponse().getStatus(), entity == null ? e.getMessage() : entity.toString());
        }
    }

    private Subnet subnet() throws Exception {
        return backend.subnets().get(0);
    }

    private List<String> since(int mark) {
        synchronized (kea.sent) {
            return List.copyOf(kea.sent.subList(mark, kea.sent.size()));
        }
    }

    /** The last command named {@code name} that bootproxy sent. */
    private JsonNode command(String name) {
        synchronized (kea.commands) {
            for (int i = kea.commands.size() - 1; i >= 0; i--) {
                if (kea.commands.get(i).path("command").asText().equals(name)) {
                    return kea.commands.get(i);
                }
            }
        }
        throw new AssertionError("bootproxy sent no " + name + ": " + kea.sent);
    }

    static JsonNode json(String s) {
        try {
            return KeaChannel.JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(s, e);
        }
    }

    /**
     * kea-dhcp4 (2.7.7 or later) with host_cmds loaded, answering as the Kea ARM documents: the
     * running configuration (config-get/config-set, config-write saving it), the configuration's
     * hosts ({@code operation-target: memory}) and a hosts database ({@code database}, only when
     * the configuration names one). Defaults: reads use all sources, writes the database.
     */
    static final class HostCmdsKea implements ScriptedKea.Script {
        private ObjectNode dhcp4;
        private ObjectNode written;
        /** Hosts of the hosts database, each with its subnet-id. */
        final List<ObjectNode> database = new ArrayList<>();
        volatile String version = "2.7.7";
        volatile String configWriteFailure;
        final Set<String> hangUpOn = new HashSet<>();
        volatile Runnable beforeAdd = () -> { };
        /** The fake answers at most this many hosts per page (fewer than asked is allowed: chained by 'next'). */
        static final int PAGE_CAP = 2;

        HostCmdsKea(String dhcp4Json) {
            dhcp4 = (ObjectNode) json(dhcp4Json);
            written = dhcp4.deepCopy();
        }

        @Override
        public synchronized KeaResponse answer(String c, JsonNode a) {
            if (hangUpOn.contains(c)) {
                return null;
            }
            try {
                return switch (c) {
                    case "list-commands" -> {
                        ArrayNode list = KeaChannel.JSON.createArrayNode();
                        List.of("build-report", "config-get", "config-reload", "config-set", "config-test",
                                "config-write", "list-commands", "shutdown", "status-get", "version-get",
                                "reservation-add", "reservation-del", "reservation-get", "reservation-get-all",
                                "reservation-get-by-address", "reservation-get-by-hostname", "reservation-get-by-id",
                                "reservation-get-page", "reservation-update").forEach(list::add);
                        yield new KeaResponse(0, "", list);
                    }
                    case "version-get" -> new KeaResponse(0, version, json("{\"extended\": \"" + version
                            + "\\ntarball\\nlinked with:\\n...\"}"));
                    case "config-get" -> {
                        ObjectNode args = KeaChannel.JSON.createObjectNode();
                        args.set("Dhcp4", dhcp4.deepCopy());
                        args.put("hash", Integer.toHexString(dhcp4.hashCode()));
                        yield new KeaResponse(0, "", args);
                    }
                    case "config-set" -> {
                        dhcp4 = (ObjectNode) a.get("Dhcp4").deepCopy();
                        yield new KeaResponse(0, "Configuration successful.", null);
                    }
                    case "config-write" -> {
                        if (configWriteFailure != null) {
                            yield new KeaResponse(1, configWriteFailure, null);
                        }
                        written = dhcp4.deepCopy();
                        yield new KeaResponse(0, "Configuration written to /etc/kea/kea-dhcp4.conf successfully",
                                json("{\"filename\": \"/etc/kea/kea-dhcp4.conf\", \"size\": 1234}"));
                    }
                    case "reservation-add" -> add(a);
                    case "reservation-get" -> get(a);
                    case "reservation-get-by-address" -> byAddress(a);
                    case "reservation-get-page" -> page(a);
                    case "reservation-del" -> del(a);
                    default -> new KeaResponse(2, "'" + c + "' command not supported.", null);
                };
            } catch (Refused e) {
                return new KeaResponse(1, e.getMessage(), null);
            }
        }

        /** A Kea error answer (result 1). */
        static final class Refused extends Exception {
            Refused(String message) {
                super(message);
            }
        }

        // ARM "The operation-target Parameter": memory, database, all, default (command-specific)
        private boolean[] target(JsonNode a, boolean readDefault) throws Refused {
            String t = a.path("operation-target").asText("default");
            return switch (t) {
                case "memory" -> new boolean[] {true, false};
                case "database" -> new boolean[] {false, true};
                case "all" -> new boolean[] {true, true};
                case "default" -> readDefault ? new boolean[] {true, true} : new boolean[] {false, true};
                default -> throw new Refused("The 'operation-target' value (" + t + ") is not within expected set:"
                        + " (memory, database, all, default)");
            };
        }

        private boolean hasDatabase() {
            return !dhcp4.path("hosts-databases").isEmpty();
        }

        private long subnetId(JsonNode a) throws Refused {
            if (!a.has("subnet-id")) {
                throw new Refused("Mandatory 'subnet-id' parameter missing.");
            }
            long id = a.get("subnet-id").asLong();
            for (JsonNode s : dhcp4.path("subnet4")) {
                if (s.path("id").asLong() == id) {
                    return id;
                }
            }
            throw new Refused("IPv4 subnet with ID of '" + id + "' is not configured");
        }

        /** The configuration's hosts of subnet {@code id} (the live array). */
        synchronized ArrayNode memoryHosts(long id) {
            for (JsonNode s : dhcp4.path("subnet4")) {
                if (s.path("id").asLong() == id) {
                    return s.get("reservations") instanceof ArrayNode r ? r : ((ObjectNode) s).putArray("reservations");
                }
            }
            throw new IllegalArgumentException("no subnet " + id);
        }

        private List<JsonNode> hosts(long id, boolean memory, boolean db) {
            List<JsonNode> out = new ArrayList<>();
            if (memory) {
                memoryHosts(id).forEach(h -> out.add(((ObjectNode) h.deepCopy()).put("subnet-id", id)));
            }
            if (db) {
                database.stream().filter(h -> h.path("subnet-id").asLong() == id).forEach(out::add);
            }
            return out;
        }

        // ARM "The reservation-add Command"; duplicates as Kea's CfgHosts::add4 (same MAC in the subnet;
        // same IP while ip-reservations-unique), next-server as Host::setNextServer
        private KeaResponse add(JsonNode a) throws Refused {
            JsonNode r = a == null ? null : a.get("reservation");
            if (r == null) {
                throw new Refused("reservation must be specified");
            }
            boolean[] t = target(a, false);
            if (t[1] && !t[0] && !hasDatabase()) {
                throw new Refused("Host database not available, cannot add host.");
            }
            long id = subnetId(r);
            if (r.path("next-server").asText().equals("255.255.255.255")) {
                throw new Refused("invalid next server address '255.255.255.255'");
            }
            beforeAdd.run();
            String mac = r.path("hw-address").asText();
            String ip = r.path("ip-address").asText();
            for (JsonNode h : hosts(id, t[0], t[1])) {
                if (h.path("hw-address").asText().equals(mac)) {
                    throw new Refused("failed to add new host using the HW address '" + mac + "' to the IPv4 subnet id '"
                            + id + "' as this host has already been added");
                }
                if (dhcp4.path("ip-reservations-unique").asBoolean(true) && h.path("ip-address").asText().equals(ip)) {
                    throw new Refused("failed to add new host using the HW address '" + mac + " and DUID '(null)' to"
                            + " the IPv4 subnet id '" + id + "' for the address " + ip + ": There's already a"
                            + " reservation for this address");
                }
            }
            // stored as Host::toElement4 shows it again
            ObjectNode host = (ObjectNode) json("""
                    {"boot-file-name": "", "client-classes": [], "hostname": "", "next-server": "0.0.0.0",
                     "option-data": [], "server-hostname": ""}""");
            r.fields().forEachRemaining(e -> host.set(e.getKey(), e.getValue()));
            if (t[0]) {
                memoryHosts(id).add(host.deepCopy().without("subnet-id"));
            }
            if (t[1]) {
                database.add(host);
            }
            return new KeaResponse(0, "Host added.", null);
        }

        private static boolean matches(JsonNode h, JsonNode a) {
            if (a.has("ip-address")) {
                return h.path("ip-address").asText().equals(a.get("ip-address").asText());
            }
            return a.path("identifier-type").asText().equals("hw-address")
                    && h.path("hw-address").asText().equals(a.path("identifier").asText());
        }

        // ARM "The reservation-get Command": not found is {"result": 0, "text": "Host not found."}
        private KeaResponse get(JsonNode a) throws Refused {
            boolean[] t = target(a, true);
            long id = subnetId(a);
            for (JsonNode h : hosts(id, t[0], t[1])) {
                if (matches(h, a)) {
                    return new KeaResponse(0, "Host found.", h);
                }
            }
            return new KeaResponse(0, "Host not found.", null);
        }

        // ARM "The reservation-get-by-address Command"
        private KeaResponse byAddress(JsonNode a) throws Refused {
            boolean[] t = target(a, true);
            long id = subnetId(a);
            ArrayNode found = KeaChannel.JSON.createArrayNode();
            hosts(id, t[0], t[1]).stream().filter(h -> matches(h, a)).forEach(found::add);
            ObjectNode args = KeaChannel.JSON.createObjectNode();
            args.set("hosts", found);
            return new KeaResponse(found.isEmpty() ? 3 : 0, found.size() + " IPv4 host(s) found.", args);
        }

        // ARM "The reservation-get-page Command": source-index 0 is the configuration, 1 the first database;
        // 'next' holds the source-index and the last host id of the page; the end is result 3, count 0, no next
        private KeaResponse page(JsonNode a) throws Refused {
            if (!a.path("limit").canConvertToInt()) {
                throw new Refused("'limit' parameter not specified");
            }
            int limit = Math.min(a.get("limit").asInt(), PAGE_CAP);
            int source = a.path("source-index").asInt(0);
            long from = a.path("from").asLong(0);
            int sources = hasDatabase() ? 1 : 0;
            while (source <= sources) {
                List<JsonNode> all = new ArrayList<>();
                if (source == 0) {
                    for (JsonNode s : dhcp4.path("subnet4")) {
                        all.addAll(hosts(s.path("id").asLong(), true, false));
                    }
                } else {
                    all.addAll(database);
                }
                ArrayNode page = KeaChannel.JSON.createArrayNode();
                long last = from;
                for (int i = (int) from; i < all.size() && page.size() < limit; i++) {
                    page.add(all.get(i)); // host id = position + 1
                    last = i + 1;
                }
                if (!page.isEmpty()) {
                    ObjectNode args = KeaChannel.JSON.createObjectNode();
                    args.put("count", page.size());
                    args.set("hosts", page);
                    args.putObject("next").put("from", last).put("source-index", source);
                    return new KeaResponse(0, page.size() + " IPv4 host(s) found.", args);
                }
                source++;
                from = 0;
            }
            return new KeaResponse(3, "0 IPv4 host(s) found.", json("{\"count\": 0, \"hosts\": []}"));
        }

        // ARM "The reservation-del Command": not found is {"result": 1, "text": "Host not deleted (not found)."}
        private KeaResponse del(JsonNode a) throws Refused {
            boolean[] t = target(a, false);
            if (t[1] && !t[0] && !hasDatabase()) {
                throw new Refused("Unable to delete a host because there is no hosts-databases configured.");
            }
            long id = subnetId(a);
            boolean deleted = false;
            if (t[0]) {
                ArrayNode hosts = memoryHosts(id);
                for (int i = 0; i < hosts.size(); i++) {
                    if (matches(hosts.get(i), a)) {
                        hosts.remove(i);
                        deleted = true;
                        break;
                    }
                }
            }
            if (t[1]) {
                deleted |= database.removeIf(h -> h.path("subnet-id").asLong() == id && matches(h, a));
            }
            return deleted ? new KeaResponse(0, "Host deleted.", null)
                    : new KeaResponse(1, "Host not deleted (not found).", null);
        }

        synchronized ObjectNode dhcp4() {
            return dhcp4.deepCopy();
        }

        synchronized List<String> memoryMacs() {
            List<String> out = new ArrayList<>();
            memoryHosts(1).forEach(h -> out.add(h.path("hw-address").asText()));
            return out;
        }

        synchronized List<String> writtenMacs() {
            List<String> out = new ArrayList<>();
            written.path("subnet4").forEach(s -> s.path("reservations").forEach(h -> out.add(
                    h.path("hw-address").asText())));
            return out;
        }

        synchronized List<String> databaseMacs() {
            return database.stream().map(h -> h.path("hw-address").asText()).toList();
        }
    }
}
