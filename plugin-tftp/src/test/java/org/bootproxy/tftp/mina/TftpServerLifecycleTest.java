package org.bootproxy.tftp.mina;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bootproxy.spi.files.ServedRoot;
import org.bootproxy.testing.NetNs.Shell;
import org.bootproxy.tftp.transfer.TransferSettings;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Start and stop as an operator sees them in the log. */
class TftpServerLifecycleTest {

    @TempDir
    Path root;

    @RepeatedTest(3)
    void stop_logsNoWarningOrError() throws Exception {
        Files.write(root.resolve("f"), new byte[3000]);
        Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        rootLogger.addAppender(events);
        try {
            TftpServer server = new TftpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    ServedRoot.of(root), new TransferSettings(65464, 64, Duration.ofSeconds(1), 3), 10,
                    new MetricRegistry());
            server.start();
            int port = server.localAddress().getPort();
            Shell.Result r = Shell.run(30, "tftp", "127.0.0.1", Integer.toString(port), "-m", "octet", "-c", "get",
                    "f", root.resolve("out").toString());
            assertThat(r.exit()).as(r.output()).isZero();
            // the client exits as it sends its last ACK: let the server take it before stopping
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.activeTransfers() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            server.stop();
        } finally {
            rootLogger.detachAppender(events);
        }
        assertThat(events.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.startsWith("TFTP: sent f to"))
                .anyMatch(m -> m.matches("TFTP server on .* stopped"));
    }
}
