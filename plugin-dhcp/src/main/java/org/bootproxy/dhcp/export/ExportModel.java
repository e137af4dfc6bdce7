package org.bootproxy.dhcp.export;

import java.util.List;
import java.util.Objects;
import org.bootproxy.dhcp.boot.BootRule;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.boot.ClientKind;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;

/**
 * What an external server's configuration is generated from: the subnets, the reservations, the
 * boot rules (with the ports and next server filled in) and the interfaces.
 *
 * @param subnets {@code plugins.dhcp.subnets}, validated
 * @param reservations the reservations to carry over (may be empty)
 * @param rules the boot rules, in match order
 * @param nextServer the default next server (IPv4 address or host name) for rules without their own
 * @param nextServer6 the IPv6 address (or host name) for DHCPv6 boot URLs, or null
 * @param interfaces {@code plugins.dhcp.interfaces}
 */
public record ExportModel(List<Subnet> subnets, List<Reservation> reservations, BootRules rules, String nextServer,
                          String nextServer6, List<String> interfaces) {

    public ExportModel {
        subnets = List.copyOf(subnets);
        reservations = List.copyOf(reservations);
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(nextServer, "nextServer");
        interfaces = List.copyOf(interfaces);
    }

    /** The next server of a rule. */
    public String nextServerOf(BootRule r) {
        return r.nextServer() != null ? r.nextServer() : nextServer;
    }

    /** A rule's file name with its placeholders filled in for {@code host}. */
    public String filenameOf(BootRule r, String host) {
        return rules.expand(r.filename(), host);
    }

    /** The rules that can match a client of {@code kind}, in order. */
    public List<BootRule> rulesFor(ClientKind kind) {
        return rules.rules().stream().filter(r -> r.kind() == null || r.kind() == kind).toList();
    }
}
