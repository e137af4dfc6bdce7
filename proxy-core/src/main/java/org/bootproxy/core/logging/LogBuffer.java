package org.bootproxy.core.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.bootproxy.spi.log.LogSafe;

/**
 * The in-memory log that {@code /logs} shows: a Logback appender keeping the last
 * {@code log_buffer} records of level INFO and above, plus the last {@code log_buffer_errors}
 * records of level WARN and above so that problems outlive a burst of INFO lines. Each record
 * carries the request id of the request that logged it.
 *
 * <p>Thread-safe; appending formats outside any lock, then holds this buffer's lock for two
 * deque operations; never I/O.
 */
public final class LogBuffer extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /**
     * One record as {@code /logs} shows it.
     *
     * @param sequence the order of arrival, for merging
     * @param timestamp seconds since the epoch with milliseconds
     * @param level {@code INFO}, {@code WARN}, {@code ERROR}...
     * @param message the formatted message (and the exception's summary)
     * @param requestId the X-Request-Id of the request that logged it, or null
     */
    public record Entry(long sequence, double timestamp, String level, String message, String requestId) {
    }

    private final int size;
    private final int errorSize;
    private final Deque<Entry> main = new ArrayDeque<>();
    private final Deque<Entry> errors = new ArrayDeque<>();
    private long sequence;

    public LogBuffer(int size, int errorSize) {
        this.size = size;
        this.errorSize = errorSize;
        setName("bootproxy-log-buffer");
    }

    public int size() {
        return size;
    }

    public int errorSize() {
        return errorSize;
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.INFO)) {
            return;
        }
        String message = event.getFormattedMessage();
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            message = message + ": " + t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        // whatever a call site forgot: a record of /logs is one line
        message = LogSafe.escape(message, Integer.MAX_VALUE);
        Map<String, String> mdc = event.getMDCPropertyMap();
        String requestId = mdc == null ? null : mdc.get(RequestIdFilter.MDC_KEY);
        synchronized (this) {
            Entry e = new Entry(sequence++, event.getTimeStamp() / 1000.0, event.getLevel().toString(), message,
                    requestId);
            add(main, e, size);
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                add(errors, e, errorSize);
            }
        }
    }

    private static void add(Deque<Entry> q, Entry e, int max) {
        if (max <= 0) {
            return;
        }
        if (q.size() >= max) {
            q.removeFirst();
        }
        q.addLast(e);
    }

    /** Records at or after {@code fromTimestamp} (seconds since the epoch), oldest first. */
    public synchronized List<Entry> since(double fromTimestamp) {
        List<Entry> out = new ArrayList<>();
        long oldestMain = main.isEmpty() ? Long.MAX_VALUE : main.peekFirst().sequence();
        for (Entry e : errors) {
            if (e.sequence() < oldestMain && e.timestamp() >= fromTimestamp) {
                out.add(e);
            }
        }
        for (Entry e : main) {
            if (e.timestamp() >= fromTimestamp) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(Entry::sequence));
        return out;
    }
}
