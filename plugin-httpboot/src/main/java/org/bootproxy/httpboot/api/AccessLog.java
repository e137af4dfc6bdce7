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
            ACCESS.info("{} {} {} {} {} bytes {} ms{}", peer, head ? "HEAD" : "GET", PathRefusedException.printable(rawPath),
                    status, bytes, (System.nanoTime() - startNanos) / 1_000_000, aborted ? " (client went away)" : "");
        }
    }
}
