package org.bootproxy.spi.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against a real logback context: an {@link AsyncAppender} as Dropwizard configures one, in front of a slow sink. */
class BatchedLogTest {

    /** A sink slower than a burst: what makes logback's AsyncAppender discard INFO. */
    static final class SlowSink extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();
        volatile long nanosPerEvent;

        @Override
        protected void append(ILoggingEvent e) {
            long until = System.nanoTime() + nanosPerEvent;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            lines.add(e.getFormattedMessage());
        }
    }

    LoggerContext context;
    SlowSink sink;
    AsyncAppender async;
    Logger logger;

    @BeforeEach
    void logback() {
        context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's own configuration does
        sink = new SlowSink();
        sink.setContext(context);
        sink.start();
        async = new AsyncAppender();
        async.setContext(context);
        async.setQueueSize(256); // Dropwizard's default; INFO is discarded above 80% full
        async.addAppender(sink);
        async.start();
        // on the root, as Dropwizard attaches its appenders: found by following additivity
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(async);
        logger = context.getLogger("org.example.access");
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private void await(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sink.lines.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    @Timeout(60)
    void aBurstFarLargerThanTheAppendersQueue_losesNoLine_andKeepsTheOrder() throws Exception {
        sink.nanosPerEvent = 2_000; // 2 us per event: 20,000 lines take 40 ms to write
        int n = 20_000;
        try (BatchedLog log = new BatchedLog(logger, "test")) {
            for (int i = 0; i < n; i++) {
                log.info("line " + i);
            }
            await(n);
        }
        assertThat(sink.lines).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(sink.lines.get(i)).isEqualTo("line " + i);
        }
    }

    @Test
    void theSameBurstLoggedDirectly_losesLines() throws Exception {
        // the control experiment: what BatchedLog's pacing prevents
        sink.nanosPerEvent = 2_000;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            logger.info("line " + i);
        }
        async.stop(); // flushes what was queued
        assertThat(sink.lines.size()).isPositive().isLessThan(n);
    }

    @Test
    @Timeout(10)
    void aSingleLine_isLoggedWithoutAnyLaterLineOrClose() throws Exception {
        // how soon is a benchmark's question (BENCHMARKS.md); here: an idle writer, parked without a
        // deadline, is woken by one line alone and logs it while the log stays open
        try (BatchedLog log = new BatchedLog(logger, "test")) {
            Thread.sleep(100);
            log.info("alone");
            await(1);
            assertThat(sink.lines).containsExactly("alone");
        }
    }

    @Test
    void close_logsWhatIsQueued_andLaterLinesGoDirectly() throws Exception {
        sink.nanosPerEvent = 50_000;
        BatchedLog log = new BatchedLog(logger, "test");
        for (int i = 0; i < 100; i++) {
            log.info("q" + i);
        }
        log.close();
        log.info("after");
        async.stop();

        assertThat(sink.lines).hasSize(101).endsWith("after");
    }

    @Test
    void disabledLogger_isReported() {
        logger.setLevel(Level.WARN);
        try (BatchedLog log = new BatchedLog(logger, "test")) {
            assertThat(log.isEnabled()).isFalse();
        }
    }

    @Test
    void asyncAppenders_followAdditivity() {
        assertThat(BatchedLog.asyncAppenders(logger)).containsExactly(async);
        logger.setAdditive(false);
        assertThat(BatchedLog.asyncAppenders(logger)).isEmpty();
    }
}
