package org.bootproxy.spi.log;

import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INFO lines logged at a high rate (an access log: one line per request), handed from the
 * threads that produce them to one writer thread that logs them in batches.
 *
 * <h2>Why</h2>
 * The application's appenders are asynchronous (Dropwizard wraps every appender in logback's
 * {@code AsyncAppender}): each event is put on a queue whose consumer thread is woken for it. At
 * tens of thousands of events a second that wake-up, the consumer's context switch and its
 * one-event write cost more CPU than the request the line is about (a third of the process in
 * the profile of {@code bench/httpboot.sh}, BENCHMARKS.md). Here a producer only queues its line;
 * the writer logs what has queued, then sleeps {@value #FLUSH_MILLIS} ms while lines keep coming,
 * so the appender's consumer wakes about once per batch. When lines stop the writer parks until
 * the next one, which it logs at once: a single event shows up without delay, and under load a
 * line is at most about {@value #FLUSH_MILLIS} ms late (its timestamp is when it was logged).
 *
 * <h2>No line lost to the appenders</h2>
 * logback's {@code AsyncAppender} silently discards INFO events while its queue is more than 80%
 * full (its {@code discardingThreshold}), and a batch is far larger than its queue (256 by
 * default). So before each line the writer waits, in steps of {@value #PACE_MICROS} us, until
 * every asynchronous appender on the logger's path has room above its threshold: a batch is fed
 * at the pace the appenders drain it.
 *
 * <p>At most {@value #MAX_PENDING} lines wait here; beyond that (logging stalled) lines are
 * dropped, counted, and reported in one WARN line once logging moves again. {@link #close()}
 * logs what is still queued; lines after it are logged directly. Thread-safe.
 */
public final class BatchedLog implements AutoCloseable {

    static final int FLUSH_MILLIS = 50;
    static final int PACE_MICROS = 100;
    /** Most lines waiting for the writer. */
    public static final int MAX_PENDING = 65_536;

    private static final Logger LOG = LoggerFactory.getLogger(BatchedLog.class);

    private final Logger logger;
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    /** The writer is parked without a deadline: the next line must wake it. */
    private volatile boolean idle;
    private volatile boolean closed;

    /**
     * Starts the writer thread (a daemon named {@code <name>-log}).
     *
     * @param logger where the lines go, at INFO
     */
    public BatchedLog(Logger logger, String name) {
        this.logger = logger;
        this.writer = new Thread(this::run, name + "-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Whether lines would be logged at all: skip building them when not. */
    public boolean isEnabled() {
        return logger.isInfoEnabled();
    }

    /** Queues one line for the writer (logs it directly after {@link #close()}). */
    public void info(String line) {
        if (closed) {
            logger.info(line);
            return;
        }
        if (size.incrementAndGet() > MAX_PENDING) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        pending.add(line);
        if (idle) {
            idle = false;
            LockSupport.unpark(writer);
        }
    }

    private void run() {
        while (!closed) {
            if (drain() > 0) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS));
                continue;
            }
            // publish idle before looking at the queue once more: a line added after this look
            // sees idle and unparks (a permit given before park makes park return at once)
            idle = true;
            if (pending.isEmpty() && !closed) {
                LockSupport.park(this);
            }
            idle = false;
        }
    }

    /** Logs every queued line at the appenders' pace; returns how many. */
    private int drain() {
        List<AsyncAppenderBase<?>> asyncs = asyncAppenders(logger);
        int n = 0;
        String line;
        while ((line = pending.poll()) != null) {
            size.decrementAndGet();
            waitForRoom(asyncs);
            logger.info(line);
            n++;
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.warn("{} lines for {} were dropped: more than {} were waiting for the log", lost, logger.getName(),
                    MAX_PENDING);
        }
        return n;
    }

    /** Waits (at most a second) until every asynchronous appender would take an INFO event. */
    private static void waitForRoom(List<AsyncAppenderBase<?>> asyncs) {
        long deadline = 0;
        for (AsyncAppenderBase<?> a : asyncs) {
            while (a.isStarted() && a.getRemainingCapacity() <= Math.max(a.getDiscardingThreshold(), 0) + 1) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + TimeUnit.SECONDS.toNanos(1);
                } else if (now - deadline > 0) {
                    return; // the appender is stuck: log anyway, as a direct call would
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(PACE_MICROS));
            }
        }
    }

    /** The asynchronous appenders an event of {@code logger} reaches (following additivity). */
    static List<AsyncAppenderBase<?>> asyncAppenders(Logger logger) {
        List<AsyncAppenderBase<?>> found = new ArrayList<>();
        if (!(logger instanceof ch.qos.logback.classic.Logger)) {
            return found;
        }
        ch.qos.logback.classic.LoggerContext context = ((ch.qos.logback.classic.Logger) logger).getLoggerContext();
        String name = logger.getName();
        while (true) {
            ch.qos.logback.classic.Logger l = context.exists(name);
            if (l != null) {
                for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = l.iteratorForAppenders();
                        it.hasNext();) {
                    if (it.next() instanceof AsyncAppenderBase<?> a) {
                        found.add(a);
                    }
                }
                if (!l.isAdditive()) {
                    break;
                }
            }
            if (name.equals(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                break;
            }
            int dot = name.lastIndexOf('.');
            name = dot < 0 ? org.slf4j.Logger.ROOT_LOGGER_NAME : name.substring(0, dot);
        }
        return found;
    }

    /** Logs what is still queued and stops the writer; later lines are logged directly. Idempotent. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain();
    }
}
