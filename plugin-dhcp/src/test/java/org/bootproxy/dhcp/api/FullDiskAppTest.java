package org.bootproxy.dhcp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.dhcp.backend.embedded.FullDisk;
import org.bootproxy.testing.FullApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The state directory on a full 2 MB tmpfs, through the whole application: the POST that gets 503
 * is not visible to any read, DELETE of it is no 503, the plugin says it cannot write in
 * {@code /v2/features} and the health check, and once space is freed it recovers without a
 * restart.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class FullDiskAppTest {

    private static final String NET = "10.0.0.0";
    private static final FullDisk DISK = mountFullDisk();
    private static final Path DIR = FullApp.tempDir("dhcp-fulldisk-test");

    private static final DropwizardAppExtension<BootproxyConfiguration> APP = EmbeddedApp.extension(DIR,
            DISK == null ? DIR.resolve("state") : DISK.path().resolve("state"), "- network: 10.0.0.0/16\n");

    private static FullDisk mountFullDisk() {
        try {
            return FullDisk.mount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        if (DISK != null) {
            DISK.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String form) throws Exception {
        return FullApp.send(APP.getLocalPort(), method, path, form);
    }

    private static JsonNode dhcpFeature() throws Exception {
        return FullApp.json(APP.getLocalPort(), "/v2/features").get("dhcp");
    }

    private static JsonNode health() throws Exception {
        return FullApp.json(APP.getAdminPort(), "/healthcheck");
    }

    private static String host(int n) {
        return "hostname=h" + n + ".example.com&mac=aa%3Abb%3Acc%3A00%3A" + String.format("%02x%%3A%02x",
                (n >> 8) & 0xff, n & 0xff) + "&ip=10.0." + (n >> 8) + "." + (n & 0xff) + "&related_macs[]";
    }

    @Test
    void aPostRefusedForLackOfSpace_isNeverVisible_andThePluginRecoversByItself() throws Exception {
        Assumptions.assumeTrue(DISK != null, "needs root to mount a tmpfs");
        assertThat(send("POST", "/dhcp/" + NET, host(1)).statusCode()).isEqualTo(200);
        DISK.fill();
        int refused = -1;
        HttpResponse<String> r = null;
        for (int n = 2; n < 2000 && refused < 0; n++) {
            r = send("POST", "/dhcp/" + NET, host(n));
            if (r.statusCode() != 200) {
                refused = n;
            }
        }
        assertThat(refused).as("the full disk refused a POST").isPositive();
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("No space left on device");
        String ip = "10.0." + (refused >> 8) + "." + (refused & 0xff);
        String mac = String.format("aa:bb:cc:00:%02x:%02x", (refused >> 8) & 0xff, refused & 0xff);

        assertThat(send("GET", "/dhcp/" + NET + "/ip/" + ip, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/dhcp/" + NET + "/mac/" + mac, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/dhcp/" + NET, null).body()).doesNotContain("\"" + ip + "\"");
        assertThat(FullApp.json(APP.getLocalPort(), "/dhcp/" + NET + "/unused_ip?from=" + ip + "&to=" + ip)
                .get("ip").asText()).isEqualTo(ip);
        assertThat(send("DELETE", "/dhcp/" + NET + "/mac/" + mac, null).statusCode()).isEqualTo(200);
        // reads of what was stored go on
        assertThat(send("GET", "/dhcp/" + NET + "/ip/10.0.0.1", null).statusCode()).isEqualTo(200);

        // it says so: still running (Foreman keeps only running features), degraded with the reason
        JsonNode dhcp = dhcpFeature();
        assertThat(dhcp.get("state").asText()).isEqualTo("running");
        assertThat(dhcp.get("degraded").asText()).contains("cannot write", "No space left on device");
        assertThat(health().get("plugin-dhcp").get("healthy").asBoolean()).isFalse();
        assertThat(health().get("plugin-dhcp").get("message").asText()).contains("No space left on device");
        assertThat(health().get("dhcp.backend").get("healthy").asBoolean()).isFalse();

        DISK.free();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (dhcpFeature().has("degraded") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(dhcpFeature().has("degraded")).as("recovered without a restart").isFalse();
        assertThat(health().get("plugin-dhcp").get("healthy").asBoolean()).isTrue();
        assertThat(send("POST", "/dhcp/" + NET, host(refused)).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/dhcp/" + NET + "/ip/" + ip, null).statusCode()).isEqualTo(200);
    }
}
