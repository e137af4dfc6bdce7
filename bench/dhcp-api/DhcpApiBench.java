// Load generator for bench/dhcp-api.sh: JDK only, run as a single source file
// (java DhcpApiBench.java <base-url> <reservations> <samples> <clients> [dir for the fsync floor]).
//
// 1. preload: <reservations> POSTs with Foreman's exact form body from <clients> concurrent clients
// 2. create latency: <samples> POSTs one at a time (each waits for the journal's fsync)
// 3. create latency under concurrency: <samples> POSTs from <clients> clients
// 4. lookup latency: <samples> GET .../mac/<mac> and GET .../ip/<ip> of random stored records
// 5. unused_ip and the full subnet listing: a few samples each
// 6. the floor: 100-byte append + fdatasync on the journal's file system, as the journal does
// Prints one line per measurement: name, count, p50, p99, max (ms), and throughput.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

public class DhcpApiBench {
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static String base;

    static String ip(int n) {
        return "198.18." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    static String mac(int n) {
        return String.format("52:54:00:%02x:%02x:%02x", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
    }

    /** host numbers skip .0 and .255 of each /24 so every address is a host address of the /16 */
    static int host(int i) {
        return 256 + (i / 254) * 256 + 1 + (i % 254);
    }

    static String body(int n) {
        return "hostname=h" + n + ".example.com&mac=" + mac(n).replace(":", "%3A") + "&ip=" + ip(n)
                + "&network=198.18.0.0&nextServer=tftp.example.com&filename=grub2%2Fgrubx64.efi&name=h" + n
                + ".example.com&related_macs[]";
    }

    static long post(int n) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/dhcp/198.18.0.0"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(n))).build(), HttpResponse.BodyHandlers.ofString());
        long t = System.nanoTime() - t0;
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + n + ": " + r.statusCode() + " " + r.body());
        }
        return t;
    }

    static long get(String path, int expect) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        long t = System.nanoTime() - t0;
        if (r.statusCode() != expect) {
            throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return t;
    }

    static void report(String name, long[] ns, long wallNs) {
        long[] s = ns.clone();
        Arrays.sort(s);
        double p50 = s[(int) (s.length * 0.50)] / 1e6;
        double p99 = s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.99) - 1)] / 1e6;
        double max = s[s.length - 1] / 1e6;
        System.out.printf("%-34s n=%-6d p50=%8.3f ms  p99=%8.3f ms  max=%8.3f ms  %8.0f req/s%n", name, s.length,
                p50, p99, max, s.length / (wallNs / 1e9));
    }

    interface Op {
        long run(int i) throws Exception;
    }

    static long[] concurrent(int count, int clients, Op op, long[] wall) throws Exception {
        long[] out = new long[count];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    out[i] = op.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        wall[0] = System.nanoTime() - t0;
        pool.shutdown();
        return out;
    }

    static long[] sequential(int count, Op op, long[] wall) throws Exception {
        long[] out = new long[count];
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            out[i] = op.run(i);
        }
        wall[0] = System.nanoTime() - t0;
        return out;
    }

    public static void main(String[] args) throws Exception {
        base = args[0];
        int stored = Integer.parseInt(args[1]);
        int samples = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        long[] wall = new long[1];

        long[] pre = concurrent(stored, clients, i -> post(host(i)), wall);
        report("preload create (" + clients + " clients)", pre, wall[0]);

        // warm up the read paths
        sequential(2000, i -> get("/dhcp/198.18.0.0/mac/" + mac(host(ThreadLocalRandom.current().nextInt(stored))),
                200), wall);

        int n = stored;
        report("create, 1 client", sequential(samples, i -> post(host(n + i)), wall), wall[0]);
        int n2 = stored + samples;
        report("create, " + clients + " clients", concurrent(samples, clients, i -> post(host(n2 + i)), wall),
                wall[0]);
        int total = stored + 2 * samples;
        report("lookup by MAC, 1 client", sequential(samples, i -> get("/dhcp/198.18.0.0/mac/"
                + mac(host(ThreadLocalRandom.current().nextInt(total))), 200), wall), wall[0]);
        report("lookup by IP, 1 client", sequential(samples, i -> get("/dhcp/198.18.0.0/ip/"
                + ip(host(ThreadLocalRandom.current().nextInt(total))), 200), wall), wall[0]);
        report("lookup by MAC, " + clients + " clients", concurrent(samples, clients, i -> get("/dhcp/198.18.0.0/mac/"
                + mac(host(ThreadLocalRandom.current().nextInt(total))), 200), wall), wall[0]);
        report("lookup miss (404), 1 client", sequential(samples, i -> get("/dhcp/198.18.0.0/mac/"
                + "02:00:00:00:" + String.format("%02x:%02x", (i >> 8) & 0xff, i & 0xff), 404), wall), wall[0]);
        report("unused_ip, 1 client", sequential(200, i -> get("/dhcp/198.18.0.0/unused_ip?mac="
                + "02:00:01:00:" + String.format("%02x:%02x", (i >> 8) & 0xff, i & 0xff), 200), wall), wall[0]);
        report("GET /dhcp/<net> (all " + total + ")", sequential(20, i -> get("/dhcp/198.18.0.0", 200), wall),
                wall[0]);
        if (args.length > 4) {
            java.nio.file.Path f = java.nio.file.Path.of(args[4], "fsync-floor");
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.APPEND)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(100);
                report("floor: append + fdatasync", sequential(samples, i -> {
                    long t0 = System.nanoTime();
                    b.clear();
                    ch.write(b);
                    ch.force(false);
                    return System.nanoTime() - t0;
                }, wall), wall[0]);
            }
            java.nio.file.Files.delete(f);
        }
    }
}
