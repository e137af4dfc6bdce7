package org.bootproxy.tftp.fetch;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of fetch_boot_file downloads.
 *
 * @param connectTimeout TCP (and TLS) connect timeout
 * @param downloadTimeout limit for a whole download, headers and body
 * @param verifyServerCert whether an HTTPS server's certificate and host name are verified
 * @param threads downloads running at once
 * @param queued downloads waiting beyond those; more are refused with 503
 */
public record FetchSettings(Duration connectTimeout, Duration downloadTimeout, boolean verifyServerCert,
                            int threads, int queued) {

    /** Downloads at once by default: kernels and initrds of a few media, without starving the proxy. */
    public static final int DEFAULT_THREADS = 4;
    /** Downloads waiting by default. */
    public static final int DEFAULT_QUEUED = 256;

    public FetchSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(downloadTimeout, "downloadTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect_timeout must be positive: " + connectTimeout);
        }
        if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
            throw new IllegalArgumentException("download_timeout must be positive: " + downloadTimeout);
        }
        if (threads < 1 || queued < 0) {
            throw new IllegalArgumentException("fetch threads " + threads + " / queue " + queued + " out of range");
        }
    }
}
