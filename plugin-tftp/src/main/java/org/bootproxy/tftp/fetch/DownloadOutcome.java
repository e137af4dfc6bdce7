package org.bootproxy.tftp.fetch;

import java.net.URI;
import java.time.Duration;

/** How one fetch_boot_file download ended. */
public sealed interface DownloadOutcome {

    /** The file was downloaded and renamed into place. */
    record Downloaded(long bytes, Duration duration, URI finalUri) implements DownloadOutcome {
    }

    /** The server said the file we have is current (HTTP 304); it was kept as it is. */
    record NotModified(Duration duration) implements DownloadOutcome {
    }

    /** Nothing to do for this URL (an {@code nfs://} medium the installer mounts itself). */
    record Skipped(String reason) implements DownloadOutcome {
    }

    /** The download failed; nothing was stored and the previous file, if any, is untouched. */
    record Failed(String reason, Duration duration) implements DownloadOutcome {
    }
}
