package org.bootproxy.dhcp.backend.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file of the embedded store holds a frame, header or record that does not verify and is not a
 * torn tail (see {@link StoreScan}): acknowledged data may be in it, so the store refuses to open
 * and changes nothing. The message names the file, the byte offset, the reason and the recovery
 * commands; the dhcp plugin fails to start with it.
 */
public final class StoreDamagedException extends IOException {

    private final transient Path file;
    private final long offset;
    private final String reason;

    public StoreDamagedException(Path file, long offset, String reason) {
        super("DHCP store is damaged: " + file + " at byte " + offset + ": " + reason + "; nothing was changed."
                + " Report with 'bootproxy dhcp-store verify <config.yml>', recover what verifies with"
                + " 'bootproxy dhcp-store salvage <config.yml>'");
        this.file = Objects.requireNonNull(file, "file");
        this.offset = offset;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** Where in {@link #file()} the damage starts. */
    public long offset() {
        return offset;
    }

    /** What is wrong there. */
    public String reason() {
        return reason;
    }
}
