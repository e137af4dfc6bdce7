package org.bootproxy.core.metrics;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application's Dropwizard metrics in Prometheus text format, through the Prometheus client's
 * {@code prometheus-metrics-instrumentation-dropwizard}, served on the admin connector at
 * {@value #PATH}.
 *
 * <p>Names: bootproxy's own metrics are {@code bootproxy_<plugin>_<metric>}; where a Dropwizard name
 * carries values in its last segments ({@code httpboot.responses.404},
 * {@code dhcp.server.answers.offer.PXEClient.7}, {@code api.requests.GET./features.200},
 * {@code plugins.state.tftp.running}), they become labels of one family
 * ({@code bootproxy_httpboot_responses_total{status="404"}}). Everything else (JVM, Jetty) keeps
 * the Prometheus client's sanitized Dropwizard name. The mapping is {@link #MAPPINGS}; the first
 * match wins.
 */
public final class PrometheusExport {

    /** Where the admin connector serves the text format. */
    public static final String PATH = "/prometheus";

    /** Dropwizard name pattern (Graphite style, {@code *} = one segment) to Prometheus name and labels. */
    static final List<MapperConfig> MAPPINGS = List.of(
            map("tftp.transfers.*", "bootproxy_tftp_transfers", "result"),
            map("tftp.*", "bootproxy_tftp_${0}"),
            map("httpboot.responses.*", "bootproxy_httpboot_responses", "status"),
            map("httpboot.response_bytes.*", "bootproxy_httpboot_response_bytes", "status"),
            map("httpboot.*", "bootproxy_httpboot_${0}"),
            map("dhcp.server.answers.*.*.*", "bootproxy_dhcp_answers", "type", "client", "arch"),
            map("dhcp.server.dropped.*", "bootproxy_dhcp_dropped", "reason"),
            map("dhcp.server.*", "bootproxy_dhcp_${0}"),
            map("dhcp6.server.dropped.*", "bootproxy_dhcp6_dropped", "reason"),
            map("dhcp6.server.*", "bootproxy_dhcp6_${0}"),
            map("dhcp.store.*", "bootproxy_dhcp_store_${0}"),
            map("api.requests.*.*.*", "bootproxy_api_requests", "method", "route", "status"),
            map("plugins.state.*.*", "bootproxy_plugin_state", "plugin", "state"));

    private PrometheusExport() {
    }

    private static MapperConfig map(String match, String name, String... labels) {
        Map<String, String> l = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            l.put(labels[i], "${" + (name.contains("${0}") ? i + 1 : i) + "}");
        }
        return new MapperConfig(match, name, l);
    }

    /** A registry exporting {@code metrics}; what the servlet serves. */
    public static PrometheusRegistry registry(MetricRegistry metrics) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new Merging(metrics, new CustomLabelMapper(MAPPINGS)));
        return registry;
    }

    /** The servlet for the admin connector. */
    public static PrometheusMetricsServlet servlet(MetricRegistry metrics) {
        return new PrometheusMetricsServlet(registry(metrics));
    }

    /**
     * One family per name. The Dropwizard export makes one snapshot per Dropwizard metric and
     * refuses two of one name, so {@code httpboot.responses.200} and {@code .404} cannot be
     * exported in one pass. The metrics are exported in rounds in which every Prometheus name
     * occurs once (round k takes the k-th metric of each name), and the rounds' data points
     * (distinct labels) are merged into one family per name.
     */
    private record Merging(MetricRegistry metrics, CustomLabelMapper mapper) implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            Map<String, List<String>> byName = new LinkedHashMap<>();
            for (String dw : metrics.getNames()) {
                byName.computeIfAbsent(mapper.getName(dw), k -> new ArrayList<>()).add(dw);
            }
            int rounds = byName.values().stream().mapToInt(List::size).max().orElse(0);
            Map<String, List<MetricSnapshot>> snapshots = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                java.util.Set<String> round = new java.util.HashSet<>();
                for (List<String> names : byName.values()) {
                    if (r < names.size()) {
                        round.add(names.get(r));
                    }
                }
                DropwizardExports exports = new DropwizardExports(metrics, (n, m) -> round.contains(n), mapper);
                for (MetricSnapshot s : exports.collect()) {
                    snapshots.computeIfAbsent(s.getMetadata().getPrometheusName(), k -> new ArrayList<>()).add(s);
                }
            }
            MetricSnapshots.Builder out = MetricSnapshots.builder();
            for (List<MetricSnapshot> group : snapshots.values()) {
                out.metricSnapshot(group.size() == 1 ? group.get(0) : merge(group));
            }
            return out.build();
        }

        private static MetricSnapshot merge(List<MetricSnapshot> group) {
            MetricSnapshot first = group.get(0);
            List<DataPointSnapshot> points = new ArrayList<>();
            for (MetricSnapshot s : group) {
                if (s.getClass() != first.getClass()) {
                    return first; // two kinds of metric under one name: keep the first rather than fail the scrape
                }
                points.addAll(s.getDataPoints());
            }
            if (first instanceof CounterSnapshot) {
                return new CounterSnapshot(first.getMetadata(), cast(points));
            }
            if (first instanceof GaugeSnapshot) {
                return new GaugeSnapshot(first.getMetadata(), cast(points));
            }
            if (first instanceof SummarySnapshot) {
                return new SummarySnapshot(first.getMetadata(), cast(points));
            }
            return first;
        }

        @SuppressWarnings("unchecked")
        private static <T> List<T> cast(List<DataPointSnapshot> points) {
            return (List<T>) (List<?>) points;
        }
    }

}
