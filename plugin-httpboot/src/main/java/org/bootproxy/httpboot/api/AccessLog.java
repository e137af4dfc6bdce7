package org.bootproxy.httpboot.api;

import org.bootproxy.spi.files.PathRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per request on logger {@code org.bootproxy.httpboot.access}, so an operator sees
 * machines booting: {@code <peer> <method> <raw path> <status> <n> bytes <ms> ms}, plus
 * {@code (client went away)} for a transfer cut short; and the plugin's metrics. The line goes
 * through the application's (asynchronous) appenders. Thread-safe.
 */
public final class AccessLog {

    private static final Logger ACCESS = LoggerFactory.getLogger("org.bootproxy.httpboot.access");

    private final HttpBootMetrics metrics;

    public AccessLog(HttpBootMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * @param bytes file bytes written
     * @param startNanos {@link System#nanoTime()} when the request arrived
     */
    public void record(String peer, boolean head, String rawPath, int status, long bytes, boolean aborted,
            long startNanos) {
        metrics.record(status, bytes, aborted);
        if (ACCESS.isInfoEnabled()) {
            // built by hand and logged as one string: no argument array, no boxing, no placeholder
            // scan; this runs once per request on the request's thread
            String path = PathRefusedException.printable(rawPath);
            StringBuilder line = new StringBuilder(peer.length() + path.length() + 64)
                    .append(peer).append(head ? " HEAD " : " GET ").append(path)
                    .append(' ').append(status).append(' ').append(bytes).append(" bytes ")
                    .append((System.nanoTime() - startNanos) / 1_000_000).append(" ms");
            if (aborted) {
                line.append(" (client went away)");
            }
            ACCESS.info(line.toString());
        }
    }
}
