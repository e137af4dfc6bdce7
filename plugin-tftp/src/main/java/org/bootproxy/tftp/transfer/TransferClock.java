package org.bootproxy.tftp.transfer;

/**
 * Time and timers for transfers, injected so tests drive timeouts with a fake clock (like
 * Caffeine's {@code Ticker}). Implementations are thread-safe.
 */
public interface TransferClock {

    /** Monotonic nanoseconds. */
    long nanoTime();

    /** Runs {@code task} once, {@code delayNanos} from now, on a timer thread. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that can be cancelled; cancelling a task that ran is a no-op. */
    interface Cancellable {
        void cancel();
    }
}
