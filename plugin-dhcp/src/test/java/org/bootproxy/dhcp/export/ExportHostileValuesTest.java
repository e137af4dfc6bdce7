package org.bootproxy.dhcp.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reservations with hostile values (what the API refuses now, but a store written before may still
 * hold, or a provider may read from elsewhere): every exporter still writes a configuration the
 * real daemon accepts, and no value turns into a directive of its own. Values are generated from a
 * fixed seed (printed on failure), a bounded number per run.
 */
class ExportHostileValuesTest {

    private static final Ipv4Network NET = Ipv4Network.parse("192.0.2.0/24");
    private static final String NASTY = ",,#\"\\'; {}\n\r\t\u0001%=$()&é 198.51.100.66 -_.:/";
    private static final int PER_RUN = 60;

    @TempDir
    Path dir;

    private static String hostile(Random rnd) {
        int len = switch (rnd.nextInt(4)) {
            case 0 -> 1 + rnd.nextInt(8);
            case 1 -> 20 + rnd.nextInt(40);
            case 2 -> 64 + rnd.nextInt(80);
            default -> 200 + rnd.nextInt(56);
        };
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append(rnd.nextInt(3) == 0 ? (char) ('a' + rnd.nextInt(26)) : NASTY.charAt(rnd.nextInt(NASTY.length())));
        }
        return sb.toString();
    }

    private static List<Reservation> reservations(long seed) {
        Random rnd = new Random(seed);
        List<Reservation> out = new ArrayList<>();
        // the reviewer's values first
        out.add(new Reservation("evil.example.com", "evil.example.com", Ipv4Address.parse("192.0.2.2"),
                MacAddress.parse("52:54:00:00:01:00"), NET, "pxelinux.0,,198.51.100.66 #", "192.0.2.1", List.of(),
                null, true));
        out.add(new Reservation("a".repeat(255), "%25%32%35" + "b".repeat(246), Ipv4Address.parse("192.0.2.3"),
                MacAddress.parse("52:54:00:00:01:01"), NET, "a\"b", "x; filename \"evil\"", List.of(), null, true));
        for (int i = 0; i < PER_RUN; i++) {
            String name = hostile(rnd);
            out.add(new Reservation(name, rnd.nextBoolean() ? hostile(rnd) : name,
                    new Ipv4Address(Ipv4Address.parse("192.0.2.10").value() + i),
                    MacAddress.parse(String.format("52:54:00:00:02:%02x", i)), NET, hostile(rnd),
                    rnd.nextBoolean() ? hostile(rnd) : "192.0.2.1", List.of(), null, true));
        }
        return out;
    }

    private ExportModel model(List<Reservation> res) throws Exception {
        ExportModel base = DhcpConfigExportTest.model();
        return new ExportModel(base.subnets(), res, base.rules(), base.nextServer(), base.nextServer6(),
                base.interfaces());
    }

    private void assertAccepted(String file, String text, String... command) throws Exception {
        Path f = dir.resolve(file);
        Files.writeString(f, text);
        String[] cmd = command.clone();
        cmd[cmd.length - 1] = cmd[cmd.length - 1] + f; // "--conf-file=<f>" or "<f>"
        NetNs.Shell.Result r = NetNs.Shell.run(60, cmd);
        assertThat(r.exit()).as("%s on hostile values:\n%s\n--- config:\n%s", command[0], r.output(), text).isZero();
    }

    @Test
    void dnsmasq_quotesHostileValues_andDnsmasqTestAcceptsThem() throws Exception {
        long seed = System.nanoTime();
        String text = ExportFormat.DNSMASQ.render(model(reservations(seed)));
        // the reviewer's injection: the comma and '#' stay inside the file name
        assertThat(text).contains("dhcp-boot=tag:bp-host1,\"pxelinux.0,,198.51.100.66 #\",,192.0.2.1\n");
        assertThat(text.lines().filter(l -> l.startsWith("dhcp-host=52:54:00:00:01:01,192.0.2.3,")))
                .singleElement().satisfies(l -> assertThat(l).matches(
                        "dhcp-host=52:54:00:00:01:01,192\\.0\\.2\\.3,[A-Za-z0-9-]{1,63},set:bp-host2"));
        assertAccepted("dnsmasq-" + seed + ".conf", text, "dnsmasq", "--test", "--conf-file=");
    }

    @Test
    void isc_quotesHostileValues_andDhcpdTestAcceptsThem() throws Exception {
        long seed = System.nanoTime();
        String text = ExportFormat.ISC.render(model(reservations(seed)));
        assertThat(text).doesNotContain("next-server x;").contains("filename \"a\\\"b\";");
        assertAccepted("dhcpd-" + seed + ".conf", text, "dhcpd", "-4", "-t", "-cf", "");
    }

    @Test
    void kea_keepsHostileValuesInsideJson_andKeaTestAcceptsThem() throws Exception {
        long seed = System.nanoTime();
        String text = ExportFormat.KEA.render(model(reservations(seed)));
        assertAccepted("kea-" + seed + ".conf", text, "kea-dhcp4", "-t", "");
    }
}
