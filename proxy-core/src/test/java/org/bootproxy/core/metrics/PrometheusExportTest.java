package org.bootproxy.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Dropwizard names become bootproxy_<plugin>_… families with labels. */
class PrometheusExportTest {

    private static String scrape(MetricRegistry metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, PrometheusExport.registry(metrics).scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pluginMetrics_getBootproxyNames_andValuesInNameSegmentsBecomeLabelsOfOneFamily() throws Exception {
        MetricRegistry m = new MetricRegistry();
        m.counter("tftp.transfers.completed").inc(3);
        m.counter("tftp.transfers.timed_out").inc();
        m.counter("tftp.bytes").inc(1468);
        m.counter("tftp.retransmits").inc(2);
        m.counter("tftp.refused").inc();
        m.meter("httpboot.responses.200").mark(2);
        m.meter("httpboot.responses.404").mark();
        m.meter("httpboot.response_bytes.200").mark(4096);
        m.meter("dhcp.server.answers.offer.PXEClient.7").mark();
        m.meter("dhcp.server.answers.ack.HTTPClient.16").mark(2);
        m.meter("api.requests.GET./tftp/{variant}/{mac}.200").mark();
        m.register("plugins.state.tftp.running", (com.codahale.metrics.Gauge<Integer>) () -> 1);
        m.register("plugins.state.tftp.failed", (com.codahale.metrics.Gauge<Integer>) () -> 0);
        String text = scrape(m);
        assertThat(text)
                .contains("bootproxy_tftp_transfers_total{result=\"completed\"} 3.0")
                .contains("bootproxy_tftp_transfers_total{result=\"timed_out\"} 1.0")
                .contains("bootproxy_tftp_bytes_total 1468.0")
                .contains("bootproxy_tftp_retransmits_total 2.0")
                .contains("bootproxy_tftp_refused_total 1.0")
                .contains("bootproxy_httpboot_responses_total{status=\"200\"} 2.0")
                .contains("bootproxy_httpboot_responses_total{status=\"404\"} 1.0")
                .contains("bootproxy_httpboot_response_bytes_total{status=\"200\"} 4096.0")
                .contains("bootproxy_dhcp_answers_total{arch=\"7\",client=\"PXEClient\",type=\"offer\"} 1.0")
                .contains("bootproxy_dhcp_answers_total{arch=\"16\",client=\"HTTPClient\",type=\"ack\"} 2.0")
                .contains("bootproxy_api_requests_total{method=\"GET\",route=\"/tftp/{variant}/{mac}\",status=\"200\"} 1.0")
                .contains("bootproxy_plugin_state{plugin=\"tftp\",state=\"running\"} 1")
                .contains("bootproxy_plugin_state{plugin=\"tftp\",state=\"failed\"} 0");
        // one family per name, as the text format requires
        assertThat(text.split("# TYPE bootproxy_httpboot_responses_total ", -1)).hasSize(2);
    }

    @Test
    void dhcp6ServerMetrics_asDhcp6MetricsNamesThem_getBootproxyDhcp6Names() throws Exception {
        MetricRegistry m = new MetricRegistry();
        m.counter("dhcp6.server.bindings_removed").inc(4);
        m.counter("dhcp6.server.dropped.malformed").inc();
        m.counter("dhcp6.server.dropped.overload").inc(2);
        String text = scrape(m);
        assertThat(text)
                .contains("bootproxy_dhcp6_bindings_removed_total 4.0")
                .contains("bootproxy_dhcp6_dropped_total{reason=\"malformed\"} 1.0")
                .contains("bootproxy_dhcp6_dropped_total{reason=\"overload\"} 2.0")
                .doesNotContain("dhcp6_server_");
    }
}
