package org.bootproxy.dhcp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.bootproxy.core.BootproxyApplication;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A journal with a flipped byte inside its first record: the whole application starts, the dhcp
 * plugin is {@code failed} with the file, the offset and the reason in {@code /v2/features},
 * {@code /logs} and the health check, and the journal is left byte for byte as it was.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DamagedStoreAppTest {

    private static final Path STATE;
    private static final Path JOURNAL;
    private static final byte[] DAMAGED;
    private static final Path CONFIG;

    static {
        try {
            Path dir = Files.createTempDirectory("dhcp-damaged-test");
            STATE = dir.resolve("state");
            Ipv4Network net = Ipv4Network.parse("192.0.2.0/25");
            Subnet subnet = new Subnet(net, null, null, List.of(), List.of(), null, List.of(), Duration.ofHours(1),
                    null);
            try (EmbeddedBackend seed = EmbeddedBackend.open(STATE, List.of(subnet), InstantSource.system())) {
                for (int i = 0; i < 10; i++) {
                    seed.addReservation(new Reservation("h" + i, "h" + i, Ipv4Address.parse("192.0.2." + (10 + i)),
                            MacAddress.parse("aa:bb:cc:00:00:" + (10 + i)), net, "pxelinux.0", null, List.of(),
                            Map.of(), true));
                }
            }
            JOURNAL = STATE.resolve("journal-0000000000000001.log");
            byte[] b = Files.readAllBytes(JOURNAL);
            b[16 + 8 + 40] ^= 0x20;
            Files.write(JOURNAL, b);
            DAMAGED = b;
            CONFIG = dir.resolve("bootproxy.yml");
            Files.writeString(CONFIG, """
                    http_port: 0
                    bind_host: 127.0.0.1
                    plugins:
                      dhcp:
                        enabled: true
                        provider: embedded
                        state_dir: %s
                        subnets:
                          - network: 192.0.2.0/25
                    """.formatted(STATE) + TestYaml.QUIET_SERVER);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final DropwizardAppExtension<BootproxyConfiguration> APP =
            new DropwizardAppExtension<>(BootproxyApplication.class, CONFIG.toString());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static JsonNode get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theDhcpPluginFails_namingFileOffsetAndReason_theRestRuns_andNoByteChanges() throws Exception {
        String where = JOURNAL + " at byte 16: checksum mismatch";
        assertThat(get(APP.getLocalPort(), "/v2/features").get("dhcp").get("state").asText()).isEqualTo("failed");
        assertThat(get(APP.getLocalPort(), "/logs").get("info").get("failed_modules").get("dhcp").asText())
                .contains(where).contains("dhcp-store salvage");
        JsonNode health = get(APP.getAdminPort(), "/healthcheck");
        assertThat(health.get("plugin-dhcp").get("healthy").asBoolean()).isFalse();
        assertThat(health.get("plugin-dhcp").get("message").asText()).contains(where);
        // the core and its other features keep running
        assertThat(get(APP.getLocalPort(), "/v2/features").get("logs").get("state").asText()).isEqualTo("running");
        assertThat(Files.readAllBytes(JOURNAL)).isEqualTo(DAMAGED);
    }
}
