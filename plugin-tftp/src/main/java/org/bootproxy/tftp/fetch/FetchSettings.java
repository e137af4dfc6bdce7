package org.bootproxy.tftp.fetch;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of fetch_boot_file downloads.
 *
 * @param connectTimeout TCP (and TLS) connect timeout; also the stall timeout: a download that
 *     receives no byte for this long is abandoned
 * @param downloadTimeout limit for a whole download, headers and body
 * @param verifyServerCert whether an HTTPS server's certificate and host name are verified
 * @param threads downloads running at once
 * @param queued downloads waiting beyond those; more are refused with 503
 * @param perHost downloads from one host running at once, so a slow mirror cannot take every thread
 * @param addresses which addresses a download may connect to
 */
public record FetchSettings(Duration connectTimeout, Duration downloadTimeout, boolean verifyServerCert,
                            int threads, int queued, int perHost, AddressPolicy addresses) {

    /** Downloads at once by default: kernels and initrds of a few media, without starving the proxy. */
    public static final int DEFAULT_THREADS = 4;
    /** Downloads waiting by default. */
    public static final int DEFAULT_QUEUED = 256;
    /** Downloads from one host at once by default: half the threads, so other mirrors always get some. */
    public static final int DEFAULT_PER_HOST = 2;

    public FetchSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(downloadTimeout, "downloadTimeout");
        Objects.requireNonNull(addresses, "addresses");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect_timeout must be positive: " + connectTimeout);
        }
        if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
            throw new IllegalArgumentException("download_timeout must be positive: " + downloadTimeout);
        }
        if (threads < 1 || queued < 0 || perHost < 1) {
            throw new IllegalArgumentException("fetch threads " + threads + " / queue " + queued + " / per host "
                    + perHost + " out of range");
        }
    }

    /** With the default per-host limit and address policy. */
    public FetchSettings(Duration connectTimeout, Duration downloadTimeout, boolean verifyServerCert,
                         int threads, int queued) {
        this(connectTimeout, downloadTimeout, verifyServerCert, threads, queued, DEFAULT_PER_HOST,
                AddressPolicy.defaults());
    }

    /** These settings with another address policy. */
    public FetchSettings withAddresses(AddressPolicy policy) {
        return new FetchSettings(connectTimeout, downloadTimeout, verifyServerCert, threads, queued, perHost, policy);
    }
}
