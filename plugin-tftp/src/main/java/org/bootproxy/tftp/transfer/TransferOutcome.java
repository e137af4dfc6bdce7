package org.bootproxy.tftp.transfer;

/**
 * How a transfer ended, for the log line and the metrics.
 *
 * @param result the kind of ending
 * @param bytes payload bytes sent (each block counted once)
 * @param durationNanos from the request to the end
 * @param retransmits DATA/OACK packets sent again after a timeout
 * @param detail why it failed ({@code ""} when it completed)
 */
public record TransferOutcome(Result result, long bytes, long durationNanos, long retransmits, String detail) {

    /** The kinds of ending. */
    public enum Result {
        /** The client acknowledged the final block. */
        COMPLETED,
        /** The client sent an ERROR (e.g. a tsize probe or a refused option). */
        CLIENT_ABORTED,
        /** No progress after the configured retries, with blocks still unsent. */
        TIMED_OUT,
        /**
         * Every block was sent, but the final ACK never came within the retries, or before the
         * client asked for another file from the same address and port. The client most
         * likely has the whole file: a boot loader that starts what it loaded at once (GRUB after
         * its initrd, PXE ROMs) may never get its last ACK onto the wire (RFC 1350 section 6).
         */
        UNCONFIRMED,
        /** The file could not be read. */
        READ_ERROR,
        /** The server stopped. */
        SERVER_STOPPED
    }

    public TransferOutcome {
        java.util.Objects.requireNonNull(result, "result");
        java.util.Objects.requireNonNull(detail, "detail");
    }
}
