// API part of bench/dhcp-isc.sh (JDK only, single source file), run inside the benchmark's
// namespace next to bootproxy (provider isc) and dhcpd:
//   java IscApiBench.java <base-url> <reservations> <samples> <clients>
// 1. preload: <reservations> POSTs with Foreman's form body from <clients> clients (each one
//    an OMAPI host create acknowledged by dhcpd)
// 2. create, lookup by MAC, lookup by IP, delete: <samples> each, one at a time
// Prints name, count, p50, p99, max (ms).
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

public class IscApiBench {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static String base;

    static String ip(int n) {
        return "198.18." + ((n / 250) + 1) + "." + ((n % 250) + 2);
    }

    static String mac(int n) {
        return String.format("52:54:00:%02x:%02x:%02x", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
    }

    static String body(int n) {
        return "hostname=h" + n + ".example.com&mac=" + mac(n).replace(":", "%3A") + "&ip=" + ip(n)
                + "&network=198.18.0.0&nextServer=198.18.0.1&filename=grub2%2Fgrubx64.efi&name=h" + n
                + ".example.com&related_macs[]";
    }

    static long send(String method, String path, String form, int expect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30));
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded").method(method,
                    HttpRequest.BodyPublishers.ofString(form));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        long t = System.nanoTime() - t0;
        if (r.statusCode() != expect) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        }
        return t;
    }

    static void report(String name, long[] ns) {
        Arrays.sort(ns);
        System.out.printf("api: %-22s n=%-6d p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n", name, ns.length,
                ns[ns.length / 2] / 1e6, ns[(int) Math.min(ns.length - 1, Math.ceil(ns.length * 0.99) - 1)] / 1e6,
                ns[ns.length - 1] / 1e6);
    }

    public static void main(String[] args) throws Exception {
        base = args[0];
        int reservations = Integer.parseInt(args[1]);
        int samples = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        List<Future<Long>> fs = new ArrayList<>();
        for (int i = 0; i < reservations; i++) {
            int n = i;
            fs.add(pool.submit(() -> send("POST", "/dhcp/198.18.0.0", body(n), 200)));
        }
        for (Future<Long> f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("api: preload %d reservations from %d clients: %.1f s = %.0f creates/s%n", reservations,
                clients, secs, reservations / secs);
        pool.shutdown();
        // warm-up of the lookup paths (the preload warmed create): a proxy runs for months, so the
        // figures below are its steady state, not the JIT compiling the lookup path
        int warm = Integer.getInteger("warmup", 3000);
        for (int i = 0; i < warm; i++) {
            int n = i % reservations;
            send("GET", "/dhcp/198.18.0.0/mac/" + mac(n), null, 200);
            send("GET", "/dhcp/198.18.0.0/ip/" + ip(n), null, 200);
        }
        long[] create = new long[samples];
        long[] byMac = new long[samples];
        long[] byIp = new long[samples];
        long[] delete = new long[samples];
        for (int i = 0; i < samples; i++) {
            create[i] = send("POST", "/dhcp/198.18.0.0", body(reservations + i), 200);
        }
        for (int i = 0; i < samples; i++) {
            int n = ThreadLocalRandom.current().nextInt(reservations);
            byMac[i] = send("GET", "/dhcp/198.18.0.0/mac/" + mac(n), null, 200);
            byIp[i] = send("GET", "/dhcp/198.18.0.0/ip/" + ip(n), null, 200);
        }
        for (int i = 0; i < samples; i++) {
            delete[i] = send("DELETE", "/dhcp/198.18.0.0/mac/" + mac(reservations + i), null, 200);
        }
        report("create", create);
        report("lookup by MAC", byMac);
        report("lookup by IP", byIp);
        report("delete", delete);
    }
}
