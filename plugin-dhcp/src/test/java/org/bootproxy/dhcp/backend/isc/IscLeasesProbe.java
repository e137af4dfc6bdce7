package org.bootproxy.dhcp.backend.isc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bootproxy.spi.net.Ipv4Network;

/** Test access to the package's leases follower and parser (for the live tests). */
public final class IscLeasesProbe implements AutoCloseable {

    private final LeasesFollower follower;

    private IscLeasesProbe(LeasesFollower follower) {
        this.follower = follower;
    }

    /** Follows {@code file} every 50 ms. */
    public static IscLeasesProbe follow(Path file) throws IOException {
        LeasesFollower f = new LeasesFollower(file, Duration.ofMillis(50));
        f.start();
        return new IscLeasesProbe(f);
    }

    /** Active leases of {@code cidr} at {@code now}, IP to MAC, as the follower has them. */
    public Map<String, String> activeLeases(String cidr, Instant now) {
        return map(follower.read(v -> v.activeLeases(Ipv4Network.parse(cidr), now)));
    }

    public long rereads() {
        return follower.rereads();
    }

    public long malformed() {
        return follower.malformed();
    }

    /** Active leases of {@code cidr} at {@code now} in a fresh full parse of {@code file}. */
    public static Map<String, String> parse(Path file, String cidr, Instant now) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        LeasesView v = new LeasesView();
        new LeasesParser().feed(text, text.length(), v, true, file.toString());
        return map(v.activeLeases(Ipv4Network.parse(cidr), now));
    }

    private static Map<String, String> map(List<LeasesParser.LeaseRecord> leases) {
        Map<String, String> out = new LinkedHashMap<>();
        for (LeasesParser.LeaseRecord l : leases) {
            out.put(l.ip().toString(), l.mac().toString());
        }
        return out;
    }

    @Override
    public void close() {
        follower.close();
    }
}
