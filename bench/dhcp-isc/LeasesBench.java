// Leases part of bench/dhcp-isc.sh, run as a single source file with bootproxy.jar and
// plugin-dhcp.jar on the class path:
//   java -cp bootproxy.jar:plugin-dhcp.jar LeasesBench.java <dir> <leases>
// 1. writes <dir>/dhcpd.conf (198.18.0.0/15) and a dhcpd.leases of <leases> active leases in
//    dhcpd 4.4's exact format (as dhcpd writes them: starts/ends/cltt, binding states,
//    hardware, uid, client-hostname), over 198.18.0.0/15
// 2. times the isc backend's start (dhcpd.conf + full parse of dhcpd.leases)
// 3. appends <leases> more records (renewals of the same addresses, new MACs) in one write and
//    times until the follower has applied the last one: records/s followed
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.jackson.Jackson;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.backend.isc.IscBackend;
import org.bootproxy.dhcp.backend.isc.IscSettings;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.provider.ProviderContext;
import org.bootproxy.spi.net.MacAddress;

public class LeasesBench {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** dhcpd's form: weekday (0 = Sunday), date, time, UTC. */
    static String time(Instant t) {
        return (t.atZone(ZoneOffset.UTC).getDayOfWeek().getValue() % 7) + " " + TIME.format(t);
    }

    static String ip(int n) {
        int v = (198 << 24) | (18 << 16) | (n + 10);
        return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }

    static void lease(BufferedWriter w, int n, int generation, Instant starts) throws Exception {
        Instant ends = starts.plusSeconds(43200);
        String mac = String.format("52:54:%02x:%02x:%02x:%02x", generation, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
        w.write("lease " + ip(n) + " {\n");
        w.write("  starts " + time(starts) + ";\n");
        w.write("  ends " + time(ends) + ";\n");
        w.write("  cltt " + time(starts) + ";\n");
        w.write("  binding state active;\n  next binding state free;\n  rewind binding state free;\n");
        w.write("  hardware ethernet " + mac + ";\n");
        w.write("  uid \"\\001" + "RT" + "\\000\\000\\001\\001" + "\";\n");
        w.write("  client-hostname \"host-" + n + "\";\n}\n");
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        Path conf = dir.resolve("dhcpd.conf");
        Path leases = dir.resolve("dhcpd.leases");
        Files.writeString(conf, "subnet 198.18.0.0 netmask 255.254.0.0 {\n  range 198.18.0.10 198.19.255.250;\n"
                + "  option routers 198.18.0.1;\n}\n");
        Instant now = Instant.now().minusSeconds(60);
        try (BufferedWriter w = Files.newBufferedWriter(leases, StandardCharsets.US_ASCII)) {
            w.write("# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
                    + "# This lease file was written by isc-dhcp-4.4.3-P1\n\n"
                    + "# authoring-byte-order entry is generated, DO NOT DELETE\nauthoring-byte-order little-endian;\n\n");
            for (int i = 0; i < n; i++) {
                lease(w, i, 0, now);
            }
        }
        long bytes = Files.size(leases);
        IscSettings s = Jackson.newObjectMapper().convertValue(Map.of("config", conf.toString(), "leases",
                leases.toString(), "leases_poll_interval", "10ms"), IscSettings.class);
        ProviderContext ctx = new ProviderContext(List.of(), InstantSource.system(), dir, new MetricRegistry());
        // warm the JIT on a small file first, as a long-running proxy is warm
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        IscBackend b = IscBackend.open(ctx, s); // the full read runs on this thread
        long loadNs = System.nanoTime() - t0;
        long loadCpu = mx.getCurrentThreadCpuTime() - c0;
        Subnet sub = b.subnets().get(0);
        int loaded = b.activeLeases(sub).size();
        System.out.printf("leases: load of %d leases (%.1f MB) at start: %.0f ms wall, %.0f ms CPU (%d active read)%n",
                n, bytes / 1e6, loadNs / 1e6, loadCpu / 1e6, loaded);
        long follower = java.util.Arrays.stream(mx.getThreadInfo(mx.getAllThreadIds())).filter(java.util.Objects::nonNull)
                .filter(i -> i.getThreadName().equals("dhcp-isc-leases")).mapToLong(i -> i.getThreadId()).findFirst()
                .orElseThrow();
        long f0 = mx.getThreadCpuTime(follower);
        // appends: every address renewed by a new client
        Path more = dir.resolve("append");
        try (BufferedWriter w = Files.newBufferedWriter(more, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < n; i++) {
                lease(w, i, 1, now.plusSeconds(30));
            }
        }
        byte[] data = Files.readAllBytes(more);
        MacAddress last = MacAddress.parse(String.format("52:54:%02x:%02x:%02x:%02x", 1, ((n - 1) >> 16) & 0xff,
                ((n - 1) >> 8) & 0xff, (n - 1) & 0xff));
        long t1 = System.nanoTime();
        Files.write(leases, data, StandardOpenOption.APPEND);
        while (b.activeLeaseByMac(sub, last).isEmpty()) {
            Thread.sleep(1);
        }
        long followNs = System.nanoTime() - t1;
        long followCpu = mx.getThreadCpuTime(follower) - f0;
        System.out.printf("leases: follow of %d appended records (%.1f MB): %.0f ms wall = %.0f records/s;"
                + " %.0f ms CPU of the follower = %.0f records/CPU-s%n", n, data.length / 1e6, followNs / 1e6,
                n / (followNs / 1e9), followCpu / 1e6, n / (followCpu / 1e9));
        b.close();
    }
}
