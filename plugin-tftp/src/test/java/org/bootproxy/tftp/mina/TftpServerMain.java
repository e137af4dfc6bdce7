package org.bootproxy.tftp.mina;

import com.codahale.metrics.MetricRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.bootproxy.spi.files.ServedRoot;
import org.bootproxy.tftp.transfer.TransferSettings;

/**
 * Runs the TFTP server alone, for the benchmark ({@code bench/tftp.sh}) and manual tries:
 * {@code TftpServerMain <root> <host:port> [max_transfers]}. Stops on SIGTERM.
 */
public final class TftpServerMain {

    private TftpServerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TftpServerMain <root> <host:port> [max_transfers]");
            System.exit(2);
        }
        int max = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        TftpServer server = new TftpServer(ListenAddress.parse(args[1]), ServedRoot.of(Path.of(args[0])),
                new TransferSettings(65464, 64, Duration.ofSeconds(1), 5), max, new MetricRegistry());
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.out.println("listening on " + server.localAddress());
        Thread.currentThread().join();
    }
}
