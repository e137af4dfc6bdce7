// Store-level figure for bench/dhcp-api.sh: durable lease writes per second of the embedded store
// (what the DHCP server does before each ACK) with 1..128 concurrent writers, 50,000 leases present.
// java -cp <bootproxy.jar>:<plugin-dhcp.jar> StoreBench.java <state dir> [seconds per step]
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;

public class StoreBench {
    static final Ipv4Network NET = Ipv4Network.parse("198.18.0.0/16");

    static Lease lease(int n) {
        Instant now = Instant.now();
        return new Lease(NET.address().plus(256 + n), new MacAddress(new byte[] {0x52, 0x54, 0, (byte) (n >> 16),
                (byte) (n >> 8), (byte) n}), NET, now, now.plusSeconds(3600), null);
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (EmbeddedBackend b = EmbeddedBackend.open(Path.of(args[0]), List.of(), InstantSource.system())) {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            for (int i = 0; i < 50000; i++) {
                int n = i;
                pool.submit(() -> {
                    b.saveLease(lease(n));
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            for (int threads : new int[] {1, 8, 32, 128}) {
                AtomicLong count = new AtomicLong();
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                long batches = b.journalBatches();
                List<Thread> ts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Thread th = new Thread(() -> {
                        try {
                            while (System.nanoTime() < end) {
                                b.saveLease(lease(ThreadLocalRandom.current().nextInt(50000)));
                                count.incrementAndGet();
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    th.start();
                    ts.add(th);
                }
                for (Thread th : ts) {
                    th.join();
                }
                System.out.printf("store: %3d writers %8.0f durable lease writes/s  %6.1f records per fsync%n",
                        threads, count.get() / (double) seconds,
                        count.get() / (double) Math.max(1, b.journalBatches() - batches));
            }
        }
    }
}
