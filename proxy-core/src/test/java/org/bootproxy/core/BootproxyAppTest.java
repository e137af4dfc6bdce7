package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole application with the test plugins on the class path: alpha runs, broken fails, quiet is off. */
@ExtendWith(DropwizardExtensionsSupport.class)
class BootproxyAppTest {

    private static final DropwizardAppExtension<BootproxyConfiguration> APP = new DropwizardAppExtension<>(
            BootproxyApplication.class, ResourceHelpers.resourceFilePath("alpha.yml"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private String url(String path) {
        return "http://127.0.0.1:" + APP.getLocalPort() + path;
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> r = Http.get(url(path), "Accept", "application/json");
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void features_listsRunningPluginsAndLogsSorted() throws Exception {
        assertThat(json("/features").toString()).isEqualTo("[\"alpha\",\"logs\"]");
    }

    @Test
    void v2Features_showsEveryKnownPluginWithState() throws Exception {
        JsonNode f = json("/v2/features");
        assertThat(f.fieldNames()).toIterable().containsExactly("alpha", "broken", "logs", "quiet");
        JsonNode alpha = f.get("alpha");
        assertThat(alpha.get("state").asText()).isEqualTo("running");
        assertThat(alpha.get("http_enabled").asBoolean()).isTrue();
        assertThat(alpha.get("https_enabled").asBoolean()).isFalse();
        assertThat(alpha.get("settings").get("alpha_port").asInt()).isEqualTo(APP.getLocalPort());
        assertThat(alpha.get("settings").get("greeting").asText()).isEqualTo("hi");
        assertThat(alpha.get("capabilities").toString()).isEqualTo("[\"alpha_cap\"]");

        JsonNode broken = f.get("broken");
        assertThat(broken.get("state").asText()).isEqualTo("failed");
        assertThat(broken.get("http_enabled").asBoolean()).isFalse();
        assertThat(broken.get("settings").has("broken_setting")).isTrue();
        assertThat(broken.get("settings").get("broken_setting").isNull()).isTrue();

        JsonNode quiet = f.get("quiet");
        assertThat(quiet.get("state").asText()).isEqualTo("disabled");
        assertThat(quiet.get("http_enabled").asBoolean()).isFalse();
        assertThat(quiet.get("https_enabled").asBoolean()).isFalse();
        assertThat(quiet.get("settings").get("quiet_port").isNull()).isTrue();
        assertThat(quiet.get("capabilities").size()).isZero();
    }

    @Test
    void version_listsRunningModules() throws Exception {
        JsonNode v = json("/version");
        assertThat(v.get("version").asText()).isNotBlank();
        assertThat(v.get("modules").get("alpha").asText()).isEqualTo("1.2.3");
        assertThat(v.get("modules").has("broken")).isFalse();
    }

    @Test
    void logs_carryFailedModulesAndRequestIds() throws Exception {
        double before = System.currentTimeMillis() / 1000.0 - 1;
        HttpResponse<String> r = Http.get(url("/alpha"), "X-Request-Id", "req-4711");
        assertThat(r.body()).isEqualTo("hi");
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("req-4711");
        for (String path : List.of("/logs", "/logs/")) {
            JsonNode logs = json(path + "?from_timestamp=" + before);
            assertThat(logs.get("info").get("failed_modules").get("broken").asText())
                    .contains("cannot bind 192.0.2.1:69");
            assertThat(logs.get("info").get("size").asInt()).isEqualTo(2000);
            boolean found = false;
            for (JsonNode rec : logs.get("logs")) {
                assertThat(rec.get("timestamp").asDouble()).isGreaterThanOrEqualTo(before);
                if (rec.get("message").asText().equals("alpha greeted")) {
                    assertThat(rec.get("request_id").asText()).isEqualTo("req-4711");
                    assertThat(rec.get("level").asText()).isEqualTo("INFO");
                    found = true;
                }
            }
            assertThat(found).as("log record of the request").isTrue();
        }
        // records before from_timestamp are left out
        JsonNode none = json("/logs?from_timestamp=" + (System.currentTimeMillis() / 1000.0 + 3600));
        assertThat(none.get("logs").size()).isZero();
        assertThat(Http.get(url("/logs?from_timestamp=yesterday")).statusCode()).isEqualTo(400);
    }

    @Test
    void unknownPathsAndPluginsNotRunning_are404WithUpstreamText() throws Exception {
        for (String path : List.of("/nope", "/broken", "/quiet", "/tftp/pxelinux/aa:bb:cc:dd:ee:ff", "/v2", "/")) {
            HttpResponse<String> r = Http.get(url(path));
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).isEqualTo("Requested url was not found");
        }
    }

    @Test
    void wrongMethodOnAKnownPath_is404LikeUpstream() throws Exception {
        String answer = Http.raw(APP.getLocalPort(), "DELETE /features HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(Http.status(answer)).isEqualTo(404);
        assertThat(answer).endsWith("Requested url was not found");
    }

    @Test
    void errors_arePlainTextNamingTheValue_jsonTypedWhenAccepted() throws Exception {
        HttpResponse<String> r = Http.get(url("/alpha/abc"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("Invalid id: abc");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        HttpResponse<String> j = Http.get(url("/logs?from_timestamp=abc"), "Accept", "application/json");
        assertThat(j.statusCode()).isEqualTo(400);
        assertThat(j.body()).isEqualTo("Invalid from_timestamp: abc");
        assertThat(j.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    }

    @Test
    void protectedRoutesOnHttp_withoutTrustedHosts_areOpen() throws Exception {
        assertThat(Http.get(url("/alpha-admin")).body()).isEqualTo("secret");
    }

    @Test
    void healthChecks_reportFailedPlugins() throws Exception {
        HttpResponse<String> r = Http.get("http://127.0.0.1:" + APP.getAdminPort() + "/healthcheck");
        assertThat(r.statusCode()).isEqualTo(500); // broken is unhealthy
        JsonNode h = JSON.readTree(r.body());
        assertThat(h.get("plugin-broken").get("healthy").asBoolean()).isFalse();
        assertThat(h.get("plugin-broken").get("message").asText()).contains("cannot bind");
        assertThat(h.get("plugin-alpha").get("healthy").asBoolean()).isTrue();
        assertThat(h.get("alpha.ok").get("healthy").asBoolean()).isTrue();
    }

    @Test
    void pluginHandlers_answerOnTheApplicationListenerOnly_andDeclinedRequestsStillReachJersey() throws Exception {
        HttpResponse<String> fast = Http.get(url("/alpha-fast"));
        assertThat(fast.statusCode()).isEqualTo(200);
        assertThat(fast.body()).isEqualTo("fast");
        assertThat(Http.get("http://127.0.0.1:" + APP.getAdminPort() + "/alpha-fast").statusCode()).isEqualTo(404);
        assertThat(Http.get(url("/alpha")).body()).isEqualTo("hi");
        assertThat(Http.get(url("/alpha-fast/more")).body()).isEqualTo("Requested url was not found");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void blockingResources_runOnPoolThreads_soTheyNeverStallTheInlineHandlers() throws Exception {
        // plugin handlers run on the selector threads; if a declined request ran there too, these
        // waiting requests (more than there are selectors) would stall every other connection
        int waiting = 4 * Runtime.getRuntime().availableProcessors() + 2;
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(waiting);
        try {
            List<java.util.concurrent.Future<HttpResponse<String>>> slow = new java.util.ArrayList<>();
            for (int i = 0; i < waiting; i++) {
                // each on its own connection (a new client each), so they spread over the selectors
                slow.add(clients.submit(() -> Http.get(java.net.http.HttpClient.newHttpClient(), url("/alpha-wait"))));
            }
            Thread.sleep(500); // all of them inside the resource by now
            // every fast request is answered while all the slow ones are still held (nothing releases
            // them before the loop ends): a stalled selector would hang here until @Timeout fails it
            for (int i = 0; i < 2 * waiting; i++) {
                HttpResponse<String> fast = Http.get(java.net.http.HttpClient.newHttpClient(), url("/alpha-fast"));
                assertThat(fast.body()).isEqualTo("fast");
            }
            assertThat(slow).noneMatch(java.util.concurrent.Future::isDone);
            org.bootproxy.core.testplugins.AlphaPlugin.RELEASE.countDown();
            for (java.util.concurrent.Future<HttpResponse<String>> f : slow) {
                assertThat(f.get().body()).isEqualTo("released");
            }
        } finally {
            org.bootproxy.core.testplugins.AlphaPlugin.RELEASE.countDown();
            clients.shutdownNow();
        }
    }

    @Test
    void malformedRequests_neverGet500() throws Exception {
        int port = APP.getLocalPort();
        List<String> requests = List.of(
                "GET /alpha/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /alpha/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /alpha/..%2f..%2fetc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /v2/features HTTP/1.1\r\nHost: x\r\nAccept: ;;;/,,\r\nConnection: close\r\n\r\n",
                "GET /logs?from_timestamp=NaN HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /logs?from_timestamp=%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "POST /features HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
                        + "Connection: close\r\n\r\n{{{{{",
                "DELETE /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "BREW /features HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /features HTTP/1.1\r\nHost: x\r\nX-Request-Id: \u00ff\u00fe<script>\r\nConnection: close\r\n\r\n",
                "GET /" + "a/".repeat(3000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /nope HTTP/1.1\r\nHost: x\r\nAccept: ;;;/,,\r\nConnection: close\r\n\r\n",
                "GARBAGE\r\n\r\n");
        for (String req : requests) {
            String answer = Http.raw(port, req);
            int status = Http.status(answer);
            assertThat(status).as(req).isBetween(200, 499);
        }
        // an unknown protocol version is Jetty's 505, not a failure of ours
        assertThat(Http.status(Http.raw(port, "GET / HTTP/9.9\r\n\r\n"))).isEqualTo(505);
    }
}
