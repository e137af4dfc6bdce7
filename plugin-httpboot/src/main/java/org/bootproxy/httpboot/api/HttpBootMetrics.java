package org.bootproxy.httpboot.api;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

/**
 * The plugin's metrics: {@code httpboot.requests} (every GET/HEAD), {@code httpboot.bytes} (file
 * bytes written), {@code httpboot.errors} (answers of 400 and above, and transfers cut short).
 * Thread-safe.
 */
public final class HttpBootMetrics {

    private final Meter requests;
    private final Meter bytes;
    private final Meter errors;

    public HttpBootMetrics(MetricRegistry registry, String prefix) {
        this.requests = registry.meter(MetricRegistry.name(prefix, "requests"));
        this.bytes = registry.meter(MetricRegistry.name(prefix, "bytes"));
        this.errors = registry.meter(MetricRegistry.name(prefix, "errors"));
    }

    public void record(int status, long bodyBytes, boolean aborted) {
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
