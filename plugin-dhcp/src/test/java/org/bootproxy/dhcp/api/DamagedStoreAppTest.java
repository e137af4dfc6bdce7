package org.bootproxy.dhcp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.bootproxy.testing.FullApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A journal with a flipped byte inside its first record: the whole application starts, the dhcp
 * plugin is {@code failed} with the file, the offset and the reason in {@code /v2/features},
 * {@code /logs} and the health check, and the journal is left byte for byte as it was.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DamagedStoreAppTest {

    private static final Path DIR = FullApp.tempDir("dhcp-damaged-test");
    private static final Path STATE = DIR.resolve("state");
    private static final Path JOURNAL = STATE.resolve("journal-0000000000000001.log");
    private static final byte[] DAMAGED;

    static {
        try {
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
            byte[] b = Files.readAllBytes(JOURNAL);
            b[16 + 8 + 40] ^= 0x20;
            Files.write(JOURNAL, b);
            DAMAGED = b;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final DropwizardAppExtension<BootproxyConfiguration> APP =
            EmbeddedApp.extension(DIR, STATE, "- network: 192.0.2.0/25\n");

    @Test
    void theDhcpPluginFails_namingFileOffsetAndReason_theRestRuns_andNoByteChanges() throws Exception {
        String where = JOURNAL + " at byte 16: checksum mismatch";
        assertThat(FullApp.json(APP.getLocalPort(), "/v2/features").get("dhcp").get("state").asText())
                .isEqualTo("failed");
        assertThat(FullApp.json(APP.getLocalPort(), "/logs").get("info").get("failed_modules").get("dhcp").asText())
                .contains(where).contains("dhcp-store salvage");
        JsonNode health = FullApp.json(APP.getAdminPort(), "/healthcheck");
        assertThat(health.get("plugin-dhcp").get("healthy").asBoolean()).isFalse();
        assertThat(health.get("plugin-dhcp").get("message").asText()).contains(where);
        // the core and its other features keep running
        assertThat(FullApp.json(APP.getLocalPort(), "/v2/features").get("logs").get("state").asText())
                .isEqualTo("running");
        assertThat(Files.readAllBytes(JOURNAL)).isEqualTo(DAMAGED);
    }
}
