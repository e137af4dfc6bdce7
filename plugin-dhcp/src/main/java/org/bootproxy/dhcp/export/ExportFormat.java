package org.bootproxy.dhcp.export;

import java.util.Locale;

/** The formats of {@code bootproxy dhcp-config --format}. */
public enum ExportFormat {
    /** ISC dhcpd (DHCPv4) {@code dhcpd.conf}. */
    ISC,
    /** ISC dhcpd -6 {@code dhcpd6.conf}: HTTP boot URLs with the DHCPv6 vendor-class echo. */
    ISC6,
    /** dnsmasq configuration lines. */
    DNSMASQ,
    /** Kea {@code kea-dhcp4.conf} (JSON). */
    KEA,
    /** Kea {@code kea-dhcp6.conf} (JSON): the DHCPv6 boot rules, as {@link #ISC6}. */
    KEA6;

    public static ExportFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown format '" + s + "' (expected isc, isc6, dnsmasq, kea or kea6)");
        }
    }

    /** Renders the model in this format. */
    public String render(ExportModel m) {
        return switch (this) {
            case ISC -> IscExport.render(m);
            case ISC6 -> Isc6Export.render(m);
            case DNSMASQ -> DnsmasqExport.render(m);
            case KEA -> KeaExport.render(m);
            case KEA6 -> Kea6Export.render(m);
        };
    }
}
