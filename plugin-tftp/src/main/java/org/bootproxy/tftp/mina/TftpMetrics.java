package org.bootproxy.tftp.mina;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The TFTP server's metrics, registered as {@code tftp.*} in the application's registry and
 * removed again by {@link #unregister()}. Thread-safe.
 */
public final class TftpMetrics {

    /** The names this class registers. */
    public static final List<String> NAMES = List.of("tftp.transfers.completed", "tftp.transfers.aborted",
            "tftp.transfers.timed_out", "tftp.transfers.unconfirmed", "tftp.transfers.failed", "tftp.bytes", "tftp.retransmits", "tftp.errors",
            "tftp.refused", "tftp.busy", "tftp.malformed", "tftp.unknown_tid", "tftp.duplicate_requests",
            "tftp.active");

    private final MetricRegistry registry;
    final Counter completed;
    final Counter aborted;
    final Counter timedOut;
    /** Every block sent, the final ACK never came (see {@code TransferOutcome.Result.UNCONFIRMED}). */
    final Counter unconfirmed;
    final Counter failed;
    final Counter bytes;
    final Counter retransmits;
    /** ERROR packets the server sent, for any reason. */
    final Counter errors;
    /** Requests refused: not found, path policy, write requests. */
    final Counter refused;
    final Counter busy;
    final Counter malformed;
    final Counter unknownTid;
    final Counter duplicateRequests;

    public TftpMetrics(MetricRegistry registry, IntSupplier active) {
        this.registry = registry;
        completed = registry.counter("tftp.transfers.completed");
        aborted = registry.counter("tftp.transfers.aborted");
        timedOut = registry.counter("tftp.transfers.timed_out");
        unconfirmed = registry.counter("tftp.transfers.unconfirmed");
        failed = registry.counter("tftp.transfers.failed");
        bytes = registry.counter("tftp.bytes");
        retransmits = registry.counter("tftp.retransmits");
        errors = registry.counter("tftp.errors");
        refused = registry.counter("tftp.refused");
        busy = registry.counter("tftp.busy");
        malformed = registry.counter("tftp.malformed");
        unknownTid = registry.counter("tftp.unknown_tid");
        duplicateRequests = registry.counter("tftp.duplicate_requests");
        registry.remove("tftp.active");
        registry.register("tftp.active", (Gauge<Integer>) active::getAsInt);
    }

    public long completed() {
        return completed.getCount();
    }

    public long retransmits() {
        return retransmits.getCount();
    }

    public long malformed() {
        return malformed.getCount();
    }

    public long unknownTid() {
        return unknownTid.getCount();
    }

    public long busy() {
        return busy.getCount();
    }

    public long errors() {
        return errors.getCount();
    }

    public long bytes() {
        return bytes.getCount();
    }

    public long timedOut() {
        return timedOut.getCount();
    }

    public long unconfirmed() {
        return unconfirmed.getCount();
    }

    public long aborted() {
        return aborted.getCount();
    }

    /** Removes this server's metrics from the registry. */
    public void unregister() {
        for (String n : NAMES) {
            registry.remove(n);
        }
    }
}
