package org.bootproxy.httpboot.api;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

/**
 * The plugin's metrics: {@code httpboot.requests} (every GET/HEAD), {@code httpboot.bytes} (file
 * bytes written), {@code httpboot.errors} (answers of 400 and above, and transfers cut short), and
 * per status code {@code httpboot.responses.<status>} and {@code httpboot.response_bytes.<status>}
 * (labels in the Prometheus export).
 * Thread-safe.
 */
public final class HttpBootMetrics {

    private final Meter requests;
    private final Meter bytes;
    private final Meter errors;

    private final MetricRegistry registry;
    private final String prefix;
    /** Per status: {@code <prefix>.responses.<status>} and {@code <prefix>.response_bytes.<status>}. */
    private final java.util.concurrent.ConcurrentMap<Integer, Meter[]> byStatus =
            new java.util.concurrent.ConcurrentHashMap<>();

    public HttpBootMetrics(MetricRegistry registry, String prefix) {
        this.registry = registry;
        this.prefix = prefix;
        this.requests = registry.meter(MetricRegistry.name(prefix, "requests"));
        this.bytes = registry.meter(MetricRegistry.name(prefix, "bytes"));
        this.errors = registry.meter(MetricRegistry.name(prefix, "errors"));
    }

    public void record(int status, long bodyBytes, boolean aborted) {
        // per status first: whoever sees the totals move sees these already counted
        Meter[] m = byStatus.computeIfAbsent(status, st -> new Meter[] {
                registry.meter(MetricRegistry.name(prefix, "responses", String.valueOf(st))),
                registry.meter(MetricRegistry.name(prefix, "response_bytes", String.valueOf(st)))});
        m[0].mark();
        if (bodyBytes > 0) {
            m[1].mark(bodyBytes);
        }
        requests.mark();
        if (bodyBytes > 0) {
            bytes.mark(bodyBytes);
        }
        if (status >= 400 || aborted) {
            errors.mark();
        }
    }

    public Meter requests() {
        return requests;
    }

    public Meter bytes() {
        return bytes;
    }

    public Meter errors() {
        return errors;
    }
}
