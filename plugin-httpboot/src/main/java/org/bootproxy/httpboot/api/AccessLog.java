package org.bootproxy.httpboot.api;

import org.bootproxy.spi.files.PathRefusedException;
import org.bootproxy.spi.log.BatchedLog;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per request on logger {@code org.bootproxy.httpboot.access}, so an operator sees
 * machines booting: {@code <peer> <method> <raw path> <status> <n> bytes <ms> ms}, plus
 * {@code (client went away)} for a transfer cut short; and the plugin's metrics. Lines go through
 * a {@link BatchedLog} (a writer thread feeds them to the appenders in batches: per-request
 * appender wake-ups cost more than serving a small file). Thread-safe.
 */
public final class AccessLog implements AutoCloseable {

    private final HttpBootMetrics metrics;
    private final BatchedLog lines = new BatchedLog(LoggerFactory.getLogger("org.bootproxy.httpboot.access"),
            "httpboot-access");

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
        if (!lines.isEnabled()) {
            return;
        }
        String path = PathRefusedException.printable(rawPath);
        StringBuilder line = new StringBuilder(peer.length() + path.length() + 64)
                .append(peer).append(head ? " HEAD " : " GET ").append(path)
                .append(' ').append(status).append(' ').append(bytes).append(" bytes ")
                .append((System.nanoTime() - startNanos) / 1_000_000).append(" ms");
        if (aborted) {
            line.append(" (client went away)");
        }
        lines.info(line.toString());
    }

    /** Logs the lines still queued. */
    @Override
    public void close() {
        lines.close();
    }
}
