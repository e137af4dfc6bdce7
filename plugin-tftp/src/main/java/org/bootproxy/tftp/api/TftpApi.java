package org.bootproxy.tftp.api;

import java.time.Duration;
import org.bootproxy.tftp.TftpConfig;
import org.bootproxy.tftp.fetch.AddressPolicy;
import org.bootproxy.tftp.fetch.BootFileFetcher;
import org.bootproxy.tftp.fetch.FetchSettings;

/**
 * The {@code /tftp} REST side of the plugin, built from {@code plugins.tftp}: the config store,
 * the fetch_boot_file downloader and the JAX-RS resource over both. {@link #close()} stops the
 * downloads; call it from the plugin's {@code stop()}.
 */
public final class TftpApi implements AutoCloseable {

    private final BootFileFetcher fetcher;
    private final TftpResource resource;

    private TftpApi(BootFileFetcher fetcher, TftpResource resource) {
        this.fetcher = fetcher;
        this.resource = resource;
    }

    /** Builds the API from the plugin's config; {@code proxyVersion} goes into the User-Agent of downloads. */
    public static TftpApi start(TftpConfig config, String proxyVersion) {
        FetchSettings settings = new FetchSettings(
                Duration.ofMillis(config.getConnectTimeout().toMilliseconds()),
                Duration.ofMillis(config.getDownloadTimeout().toMilliseconds()),
                config.isVerifyServerCert(),
                FetchSettings.DEFAULT_THREADS, FetchSettings.DEFAULT_QUEUED, FetchSettings.DEFAULT_PER_HOST,
                AddressPolicy.allowing(config.getFetchAllowedNetworks()));
        BootFileFetcher fetcher = new BootFileFetcher(config.getRoot(), settings, "bootproxy/" + proxyVersion);
        BootConfigStore store = new BootConfigStore(config.getRoot());
        return new TftpApi(fetcher, new TftpResource(store, fetcher, config.getTftpServername()));
    }

    /** The {@code /tftp} resource (protected: Foreman's client certificate / trusted_hosts). */
    public TftpResource resource() {
        return resource;
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
