package org.bootproxy.dhcp.backend.dnsmasq;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;

/**
 * dnsmasq's lease file ({@code dhcp-leasefile}): one DHCPv4 lease per line,
 * {@code <expiry epoch seconds> <mac> <ip> <hostname|*> <client-id|*>} (expiry 0: infinite);
 * DHCPv6 lines ({@code duid ...} and after) are skipped. dnsmasq rewrites the file after every
 * change; this reader re-parses it only when its size or modification time changed. The file
 * has no start time: a lease's {@code starts} is its end minus the subnet's lease time.
 * Thread-safe.
 */
final class DnsmasqLeases {

    private final Path file;
    private volatile Parsed parsed;

    private record Parsed(long size, Instant modified, List<Line> lines) {
    }

    /** One DHCPv4 line. */
    record Line(Instant ends, MacAddress mac, Ipv4Address ip, String hostname) {
    }

    DnsmasqLeases(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The leases of {@code subnet} that have not expired at {@code now}. */
    List<Lease> active(Subnet subnet, Instant now) throws IOException {
        List<Lease> out = new ArrayList<>();
        for (Line l : lines()) {
            if (subnet.network().contains(l.ip()) && l.ends().isAfter(now)) {
                Instant starts = l.ends().minus(subnet.leaseTime());
                out.add(new Lease(l.ip(), l.mac(), subnet.network(), starts, l.ends(), l.hostname()));
            }
        }
        return out;
    }

    private List<Line> lines() throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return List.of(); // dnsmasq has handed out nothing yet
        }
        Parsed p = parsed;
        Instant modified = a.lastModifiedTime().toInstant();
        if (p != null && p.size() == a.size() && p.modified().equals(modified)) {
            return p.lines();
        }
        List<Line> lines = parse(Files.readAllLines(file));
        parsed = new Parsed(a.size(), modified, lines);
        return lines;
    }

    static List<Line> parse(List<String> text) {
        List<Line> out = new ArrayList<>();
        for (String raw : text) {
            String[] f = raw.strip().split("\\s+");
            if (f.length > 0 && f[0].equals("duid")) {
                break; // the DHCPv6 part
            }
            if (f.length < 4 || !MacAddress.isValid(f[1]) || !Ipv4Address.isValid(f[2])) {
                continue;
            }
            long expiry;
            try {
                expiry = Long.parseLong(f[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            Instant ends = expiry == 0 ? Instant.now().plus(Duration.ofDays(36500)) : Instant.ofEpochSecond(expiry);
            out.add(new Line(ends, MacAddress.parse(f[1]), Ipv4Address.parse(f[2]), f[3].equals("*") ? null : f[3]));
        }
        return out;
    }
}
