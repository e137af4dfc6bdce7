package org.bootproxy.dhcp.backend.isc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bootproxy.dhcp.backend.isc.LeasesParser.HostRecord;
import org.bootproxy.dhcp.backend.isc.LeasesParser.LeaseRecord;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;
import org.junit.jupiter.api.Test;

/** dhcpd.leases records as dhcpd 4.4 writes them, fed whole and in pieces. */
class LeasesParserTest {

    /** Written by dhcpd 4.4.3 (a lease, an OMAPI host, its deletion). */
    static final String FILE = """
            # The format of this file is documented in the dhcpd.leases(5) manual page.
            # This lease file was written by isc-dhcp-4.4.3-P1

            # authoring-byte-order entry is generated, DO NOT DELETE
            authoring-byte-order little-endian;

            server-duid "\\000\\001\\000\\0012\\245\\254\\202Z\\234W\\276\\326\\257";

            host h1.example.com {
              dynamic;
              hardware ethernet aa:bb:cc:dd:ee:ff;
              fixed-address 192.0.2.10;
                    supersede server.filename = "grub2/grubx64.efi";
                    supersede server.next-server = c0:00:02:01;
                    supersede host-name = "h1.example.com";
            }
            lease 192.0.2.100 {
              starts 5 2026/12/04 16:53:28;
              ends 5 2026/12/04 17:03:28;
              cltt 5 2026/12/04 16:53:28;
              binding state active;
              next binding state free;
              rewind binding state free;
              hardware ethernet 8a:2d:db:ba:20:96;
              uid "\\001\\212-\\333\\272 \\226";
              client-hostname "vm";
            }
            host h1.example.com {
              dynamic;
              deleted;
            }
            """;

    static final class Collect implements LeasesParser.Sink {
        final List<LeaseRecord> leases = new ArrayList<>();
        final List<HostRecord> hosts = new ArrayList<>();

        @Override
        public void lease(LeaseRecord lease) {
            leases.add(lease);
        }

        @Override
        public void host(HostRecord host) {
            hosts.add(host);
        }
    }

    @Test
    void dhcpdsOwnFile_givesLeasesHostsAndDeletions() {
        Collect c = new Collect();
        LeasesParser p = new LeasesParser();
        assertThat(p.feed(FILE, FILE.length(), c, true, "test")).isEqualTo(FILE.length());
        assertThat(c.hosts).hasSize(2);
        HostRecord h = c.hosts.get(0);
        assertThat(h.deleted()).isFalse();
        assertThat(h.mac()).isEqualTo(MacAddress.parse("aa:bb:cc:dd:ee:ff"));
        assertThat(h.ip()).isEqualTo(Ipv4Address.parse("192.0.2.10"));
        assertThat(h.filename()).isEqualTo("grub2/grubx64.efi");
        assertThat(h.nextServer()).isEqualTo("192.0.2.1");
        assertThat(h.hostname()).isEqualTo("h1.example.com");
        assertThat(c.hosts.get(1).deleted()).isTrue();
        LeaseRecord l = c.leases.get(0);
        assertThat(l.ip()).isEqualTo(Ipv4Address.parse("192.0.2.100"));
        assertThat(l.mac()).isEqualTo(MacAddress.parse("8a:2d:db:ba:20:96"));
        assertThat(l.starts()).isEqualTo(Instant.parse("2026-12-04T16:53:28Z"));
        assertThat(l.ends()).isEqualTo(Instant.parse("2026-12-04T17:03:28Z"));
        assertThat(l.bindingState()).isEqualTo("active");
        assertThat(l.hostname()).isEqualTo("vm");
        assertThat(l.activeAt(Instant.parse("2026-12-04T17:00:00Z"))).isTrue();
        assertThat(l.activeAt(Instant.parse("2026-12-04T17:03:28Z"))).isFalse();

        LeasesView v = new LeasesView();
        new LeasesParser().feed(FILE, FILE.length(), v, true, "test");
        assertThat(v.hostCount()).as("deleted").isZero();
        assertThat(v.activeLeases(Ipv4Network.parse("192.0.2.0/24"), Instant.parse("2026-12-04T17:00:00Z"))).hasSize(1);
    }

    @Test
    void feedInPieces_consumesOnlyCompleteRecords() {
        Collect whole = new Collect();
        new LeasesParser().feed(FILE, FILE.length(), whole, true, "test");
        for (int cut = 1; cut < FILE.length(); cut += 7) {
            Collect c = new Collect();
            LeasesParser p = new LeasesParser();
            int used = p.feed(FILE, cut, c, false, "test");
            String rest = FILE.substring(used);
            assertThat(p.feed(rest, rest.length(), c, true, "test")).isEqualTo(rest.length());
            assertThat(c.leases).as("cut at " + cut).isEqualTo(whole.leases);
            assertThat(c.hosts).as("cut at " + cut).isEqualTo(whole.hosts);
            assertThat(p.malformed()).isZero();
        }
    }

    @Test
    void malformedRecord_isSkippedAndTheRestRead() {
        String text = """
                lease 192.0.2.101 {
                  starts 5 2026/13/45 99:00:00;
                  binding state active;
                }
                lease 192.0.2.102 {
                  starts 5 2026/12/04 16:53:28;
                  ends never;
                  binding state active;
                  uid "\\001RT\\000\\000\\001\\002";
                }
                lease 192.0.2.103 { binding state active; }}
                lease 192.0.2.104 {
                  hardware ethernet 52:54:00:00:01:04;
                  binding state active;
                }
                """;
        Collect c = new Collect();
        LeasesParser p = new LeasesParser();
        p.feed(text, text.length(), c, true, "test");
        assertThat(c.leases).extracting(l -> l.ip().toString()).containsExactly("192.0.2.102", "192.0.2.103",
                "192.0.2.104");
        assertThat(c.leases.get(0).mac()).as("from the uid").isEqualTo(MacAddress.parse("52:54:00:00:01:02"));
        assertThat(c.leases.get(0).ends()).isEqualTo(LeasesParser.NEVER);
        assertThat(p.malformed()).isEqualTo(2);
        assertThat(p.line()).isEqualTo(16);
    }
}
