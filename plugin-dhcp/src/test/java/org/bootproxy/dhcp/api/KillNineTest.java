package org.bootproxy.dhcp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bootproxy.testing.FullApp;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real application in a child JVM ({@code BootproxyApplication server x.yml}, the plugin found
 * on the class path as from {@code modules/}), a burst of concurrent Foreman POSTs, {@code kill -9}
 * in the middle of it, a restart: every POST that was answered 200 is there, field for field, and
 * the store takes new writes.
 */
class KillNineTest {

    private static final String NET = "/dhcp/192.0.2.0";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedPost_survivesKill9() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path yml = dir.resolve("bootproxy.yml");
        Files.writeString(yml, TestYaml.plugin(port, "dhcp", """
                state_dir: %s
                subnets:
                  - network: 192.0.2.0/24
                """.formatted(dir.resolve("state")), TestYaml.processServer("[]")));
        String base = "http://127.0.0.1:" + port + NET;

        Process app = start(yml, "first");
        Map<Integer, String> acked = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger(1);
        List<Thread> writers = new ArrayList<>();
        try {
            waitUntilUp(port, app, "first");
            for (int t = 0; t < 8; t++) {
                Thread w = new Thread(() -> {
                    int host;
                    while ((host = next.getAndIncrement()) <= 254) {
                        String body = foremanBody(host);
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200 && r.body().isEmpty()) {
                                acked.put(host, body);
                            }
                        } catch (IOException | InterruptedException e) {
                            return; // the server died under us: this POST was not acknowledged
                        }
                    }
                });
                w.start();
                writers.add(w);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acked.size() < 120 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
        } finally {
            app.destroyForcibly(); // SIGKILL: no shutdown hook, no close of the journal
            app.waitFor(30, TimeUnit.SECONDS);
        }
        for (Thread w : writers) {
            w.join(20_000);
        }
        assertThat(acked.size()).as("POSTs acknowledged before kill -9").isGreaterThanOrEqualTo(120);
        int acknowledged = acked.size();
        int attempted = Math.min(next.get() - 1, 254);

        Process again = start(yml, "second");
        try {
            waitUntilUp(port, again, "second");
            JsonNode all = FullApp.json(port, NET);
            Map<String, JsonNode> byIp = new HashMap<>();
            all.get("reservations").forEach(r -> byIp.put(r.get("ip").asText(), r));
            for (int host : acked.keySet()) {
                JsonNode r = byIp.get("192.0.2." + host);
                assertThat(r).as("acknowledged reservation 192.0.2." + host + " lost").isNotNull();
                assertThat(r.get("mac").asText()).isEqualTo(mac(host));
                assertThat(r.get("hostname").asText()).isEqualTo("h" + host + ".example.com");
                assertThat(r.get("filename").asText()).isEqualTo("grub2/grubx64.efi");
                assertThat(r.get("nextServer").asText()).isEqualTo("tftp.example.com");
            }
            // nothing appears that was never sent
            assertThat(byIp.size()).isBetween(acknowledged, attempted);
            // the store takes writes after recovery, and Foreman's re-send of an acked record is a no-op
            int anyAcked = acked.keySet().iterator().next();
            assertThat(FullApp.send(port, "POST", NET, acked.get(anyAcked)).statusCode()).isEqualTo(200);
            System.out.printf("kill -9: %d of %d attempted POSTs acknowledged, %d present after restart%n",
                    acknowledged, attempted, byIp.size());
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Set.copyOf(acked.keySet())).isNotEmpty();
    }

    static String mac(int host) {
        return String.format("52:54:00:aa:00:%02x", host);
    }

    static String foremanBody(int host) {
        return "hostname=h" + host + ".example.com&mac=" + mac(host).replace(":", "%3A") + "&ip=192.0.2." + host
                + "&network=192.0.2.0&nextServer=tftp.example.com&filename=grub2%2Fgrubx64.efi&name=h" + host
                + ".example.com&related_macs[]";
    }

    private Process start(Path yml, String name) throws IOException {
        return new ProcessBuilder(FullApp.processCommand(yml, "-XX:TieredStopAtLevel=1")).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private void waitUntilUp(int port, Process p, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("bootproxy exited: " + Files.readString(dir.resolve(name + ".log")));
            }
            try {
                if (FullApp.send(port, "GET", NET, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("bootproxy did not come up on http://127.0.0.1:" + port + NET);
    }
}
