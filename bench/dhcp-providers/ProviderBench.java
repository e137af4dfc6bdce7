// Load generator for bench/dhcp-providers.sh: JDK only, run as a single source file
// (java ProviderBench.java <base-url> <preload> <stored> <create samples> <lookup samples> <delete samples>).
//
// 1. preload: <preload> POSTs with Foreman's exact form body from 8 concurrent clients (0: the
//    reservations are already in the server, numbered 0..<stored>-1)
// 2. create: <create samples> POSTs one at a time, of new records
// 3. lookup: GET .../mac/<mac> and GET .../ip/<ip> of random stored records, one at a time
// 4. delete: DELETE .../mac/<mac> of the records created in 2, one at a time
// Prints one line per measurement: name, count, p50, p99, max (ms).
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

public class ProviderBench {
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static String base;

    static int host(int i) {
        return 256 + (i / 254) * 256 + 1 + (i % 254);
    }

    static String ip(int i) {
        int n = host(i);
        return "198.18." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    static String mac(int i) {
        return String.format("52:54:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    }

    static String body(int i) {
        return "hostname=h" + i + ".example.com&mac=" + mac(i).replace(":", "%3A") + "&ip=" + ip(i)
                + "&network=198.18.0.0&nextServer=198.18.0.1&filename=grub2%2Fgrubx64.efi&name=h" + i
                + ".example.com&related_macs[]";
    }

    static long send(HttpRequest.Builder b, int expect) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(b.header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        long t = System.nanoTime() - t0;
        if (r.statusCode() != expect) {
            throw new IllegalStateException(r.request().method() + " " + r.request().uri() + ": " + r.statusCode()
                    + " " + r.body());
        }
        return t;
    }

    static long post(int i) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/dhcp/198.18.0.0"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body(i))), 200);
    }

    static long get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/dhcp/198.18.0.0/" + path)).GET(), 200);
    }

    static long delete(int i) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/dhcp/198.18.0.0/mac/" + mac(i))).DELETE(), 200);
    }

    static void print(String name, long[] ns) {
        if (ns.length == 0) {
            return;
        }
        long[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf("%-28s n=%-6d p50=%9.3f ms  p99=%9.3f ms  max=%9.3f ms%n", name, s.length,
                s[(int) (s.length * 0.50)] / 1e6, s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.99) - 1)] / 1e6,
                s[s.length - 1] / 1e6);
    }

    public static void main(String[] a) throws Exception {
        base = a[0];
        int preload = Integer.parseInt(a[1]);
        int stored = Integer.parseInt(a[2]);
        int creates = Integer.parseInt(a[3]);
        int lookups = Integer.parseInt(a[4]);
        int deletes = Math.min(creates, Integer.parseInt(a[5]));
        if (preload > 0) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            long t0 = System.nanoTime();
            List<Future<Long>> fs = new ArrayList<>();
            for (int i = 0; i < preload; i++) {
                int n = i;
                fs.add(pool.submit(() -> post(n)));
            }
            for (Future<Long> f : fs) {
                f.get();
            }
            pool.shutdown();
            System.out.printf("preload %d reservations (8 clients): %.1f s%n", preload, (System.nanoTime() - t0) / 1e9);
        }
        long[] c = new long[creates];
        for (int i = 0; i < creates; i++) {
            c[i] = post(stored + i);
        }
        print("create, 1 client", c);
        long[] m = new long[lookups];
        long[] p = new long[lookups];
        for (int i = 0; i < lookups; i++) {
            int n = ThreadLocalRandom.current().nextInt(stored);
            m[i] = get("mac/" + mac(n));
            p[i] = get("ip/" + ip(n));
        }
        print("lookup by MAC, 1 client", m);
        print("lookup by IP, 1 client", p);
        long[] d = new long[deletes];
        for (int i = 0; i < deletes; i++) {
            d[i] = delete(stored + i);
        }
        print("delete, 1 client", d);
    }
}
