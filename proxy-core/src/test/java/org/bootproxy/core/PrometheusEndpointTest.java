package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin connector serves API requests by route and status and plugin states in Prometheus text. */
class PrometheusEndpointTest {

    @TempDir
    Path dir;

    @Test
    void adminPrometheus_countsApiRequestsByRouteAndStatus_andShowsPluginStates() throws Exception {
        try (TestApp app = TestApp.start(dir, "http_port: 0\nbind_host: 127.0.0.1\nplugins:\n"
                + "  alpha: {enabled: true}\n  quiet: {enabled: false}\n" + TestApp.QUIET_LOGGING)) {
            String base = "http://127.0.0.1:" + app.port(false);
            assertThat(Http.get(base + "/features").statusCode()).isEqualTo(200);
            assertThat(Http.get(base + "/alpha/12").statusCode()).isEqualTo(200);
            assertThat(Http.get(base + "/alpha/34").statusCode()).isEqualTo(200);
            assertThat(Http.get(base + "/alpha/x").statusCode()).isEqualTo(400);
            java.net.http.HttpResponse<String> r = Http.get("http://127.0.0.1:" + app.adminPort() + "/prometheus");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("bootproxy_api_requests_total{method=\"GET\",route=\"/features\",status=\"200\"} 1.0")
                    .contains("bootproxy_api_requests_total{method=\"GET\",route=\"/alpha/{id}\",status=\"200\"} 2.0")
                    .contains("bootproxy_api_requests_total{method=\"GET\",route=\"/alpha/{id}\",status=\"400\"} 1.0")
                    .contains("bootproxy_plugin_state{plugin=\"alpha\",state=\"running\"} 1")
                    .contains("bootproxy_plugin_state{plugin=\"quiet\",state=\"disabled\"} 1")
                    .contains("bootproxy_plugin_state{plugin=\"quiet\",state=\"running\"} 0");
        }
    }
}
