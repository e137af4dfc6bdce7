package org.bootproxy.dhcp.boot;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv6Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * The boot-file decision: the configured rules, then (unless {@code defaults: false}) the built-in
 * ones, first match wins; a reservation's own file name wins over both. Immutable and thread-safe.
 *
 * <p>Built-in rules, in order (NETBOOT.md; arch 7 and 9 alike):
 * <ol>
 *   <li>iPXE (user class {@code iPXE} or option 175), any arch: {@code http://${next_server}:${http_port}/httpboot/pxelinux.cfg/default.ipxe}
 *       — matched first so iPXE never gets an iPXE binary again;</li>
 *   <li>HTTPClient arch 16 / 19 / 15: {@code http://${next_server}:${http_port}/httpboot/grub2/grubx64.efi}
 *       / {@code grubaa64.efi} / {@code grubia32.efi};</li>
 *   <li>PXEClient arch 7 or 9 / 11 / 6: {@code grub2/grubx64.efi} / {@code grub2/grubaa64.efi} / {@code grub2/grubia32.efi};</li>
 *   <li>PXEClient arch 0: {@code pxelinux.0}.</li>
 * </ol>
 * The http URLs use the HTTP listener, or HTTPS when the proxy has no HTTP listener; without
 * either, the URL rules are left out.
 *
 * <p>Reservations (Foreman's {@code filename}/{@code nextServer}) override rules. For an iPXE client
 * the reservation's file wins only when it is an http(s) URL of a script (not an {@code .efi},
 * {@code .kpxe}, {@code .pxe}, {@code .0} binary): Foreman's "iPXE Chain" loaders put the iPXE
 * binary there, and handing it to iPXE again loops. Likewise an HTTPClient gets the reservation's
 * file only when it is an http(s) URL (firmware doing UEFI HTTP Boot cannot use a TFTP path).
 */
public final class BootRules {

    private final List<BootRule> rules;
    private final String nextServer;
    private final Integer httpPort;
    private final Integer httpsPort;

    private BootRules(List<BootRule> rules, String nextServer, Integer httpPort, Integer httpsPort) {
        this.rules = List.copyOf(rules);
        this.nextServer = nextServer;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    /**
     * Checks and builds the rules.
     *
     * @param config {@code plugins.dhcp.boot}; null means all defaults
     * @param listeners the proxy's listeners (ports for {@code ${http_port}}, {@code ${https_port}})
     * @throws IllegalArgumentException naming the rule and the bad value
     */
    public static BootRules from(BootConfig config, Listeners listeners) {
        BootConfig c = config == null ? new BootConfig() : config;
        Integer http = listeners == null ? null : listeners.httpPort();
        Integer https = listeners == null ? null : listeners.httpsPort();
        if (c.getNextServer() != null) {
            BootRule.checkHost("boot.next_server", c.getNextServer());
        }
        List<BootRule> out = new ArrayList<>();
        int i = 1;
        for (BootRuleConfig r : c.getRules()) {
            String name = "boot rule " + i++;
            if (r.getClient() == null && (r.getArch() == null || r.getArch().isEmpty()) && r.getMac() == null
                    && r.getVendorClass() == null) {
                // allowed (a catch-all), but only deliberately: say so in the name for logs
                name = name + " (catch-all)";
            }
            ClientKind kind;
            MacAddress mac;
            try {
                kind = r.getClient() == null ? null : ClientKind.parse(r.getClient());
                mac = r.getMac() == null ? null : MacAddress.parse(r.getMac());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
            BootRule rule = new BootRule(name, kind, r.getArch() == null ? Set.of() : Set.copyOf(r.getArch()), mac,
                    r.getVendorClass(), r.getFilename(), r.getNextServer());
            requirePorts(rule, http, https);
            out.add(rule);
        }
        if (c.isDefaults()) {
            out.addAll(defaults(http, https));
        }
        return new BootRules(out, c.getNextServer(), http, https);
    }

    private static void requirePorts(BootRule rule, Integer http, Integer https) {
        if (rule.filename().contains("${http_port}") && http == null) {
            throw new IllegalArgumentException(rule.name() + ": filename uses ${http_port} but the proxy has no HTTP listener");
        }
        if (rule.filename().contains("${https_port}") && https == null) {
            throw new IllegalArgumentException(rule.name() + ": filename uses ${https_port} but the proxy has no HTTPS listener");
        }
    }

    /** The built-in rules for the given listener ports (either may be null). */
    public static List<BootRule> defaults(Integer httpPort, Integer httpsPort) {
        List<BootRule> d = new ArrayList<>();
        String base = httpPort != null ? "http://${next_server}:${http_port}/httpboot/"
                : httpsPort != null ? "https://${next_server}:${https_port}/httpboot/" : null;
        if (base != null) {
            d.add(new BootRule("default iPXE script", ClientKind.IPXE, Set.of(), null, null,
                    base + "pxelinux.cfg/default.ipxe", null));
            d.add(new BootRule("default UEFI x64 HTTP", ClientKind.HTTP_CLIENT, Set.of(16), null, null,
                    base + "grub2/grubx64.efi", null));
            d.add(new BootRule("default UEFI arm64 HTTP", ClientKind.HTTP_CLIENT, Set.of(19), null, null,
                    base + "grub2/grubaa64.efi", null));
            d.add(new BootRule("default UEFI ia32 HTTP", ClientKind.HTTP_CLIENT, Set.of(15), null, null,
                    base + "grub2/grubia32.efi", null));
        }
        d.add(new BootRule("default UEFI x64 PXE", ClientKind.PXE_CLIENT, Set.of(7, 9), null, null,
                "grub2/grubx64.efi", null));
        d.add(new BootRule("default UEFI arm64 PXE", ClientKind.PXE_CLIENT, Set.of(11), null, null,
                "grub2/grubaa64.efi", null));
        d.add(new BootRule("default UEFI ia32 PXE", ClientKind.PXE_CLIENT, Set.of(6), null, null,
                "grub2/grubia32.efi", null));
        d.add(new BootRule("default BIOS PXE", ClientKind.PXE_CLIENT, Set.of(0), null, null, "pxelinux.0", null));
        return d;
    }

    /** The rules in match order (configured, then built-in). */
    public List<BootRule> rules() {
        return rules;
    }

    /** {@code plugins.dhcp.boot.next_server}, or null. */
    public String nextServer() {
        return nextServer;
    }

    /** The first rule matching {@code client}. */
    public Optional<BootRule> match(ClientInfo client) {
        for (BootRule r : rules) {
            if (r.matches(client)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The boot answer for a client, or empty when neither a reservation nor a rule gives one.
     *
     * @param client the classified request
     * @param reservation the client's reservation, or null
     * @param serverIp the address of the interface that received the request (the default next server)
     */
    public Optional<BootAnswer> decide(ClientInfo client, Reservation reservation, Ipv4Address serverIp) {
        Objects.requireNonNull(serverIp, "serverIp");
        return decide(client, reservation, serverIp.toString(), UnaryOperator.identity(), UnaryOperator.identity());
    }

    /**
     * The DHCPv6 boot answer (RFC 5970 option 59): the same rules and reservations, with
     * {@code ${next_server}} becoming the server's IPv6 literal in brackets. A next server that is
     * an IPv4 literal (a v4 rule or reservation) is replaced by {@code server}, which a v6-only
     * client can reach; a host name is kept. A TFTP path becomes {@code tftp://[server]/path}.
     *
     * @param server the server's address on the client's link (global or unique-local)
     */
    public Optional<BootAnswer> decide6(ClientInfo client, Reservation reservation, Inet6Address server) {
        String own = Ipv6Network.literal(Objects.requireNonNull(server, "server"));
        UnaryOperator<String> family = next -> Ipv4Address.isValid(next) ? own : next;
        UnaryOperator<String> urlHost = next -> next.indexOf(':') >= 0 ? "[" + next + "]" : next;
        return decide(client, reservation, own, family, urlHost).map(a -> a.isUrl() ? a
                : new BootAnswer("tftp://" + urlHost.apply(a.nextServer()) + "/"
                        + a.filename().replaceFirst("^/+", ""), a.nextServer(), a.source()));
    }

    private Optional<BootAnswer> decide(ClientInfo client, Reservation reservation, String serverIp,
                                        UnaryOperator<String> family, UnaryOperator<String> urlHost) {
        Optional<BootRule> rule = match(client);
        String resFile = reservation == null || reservation.filename() == null || reservation.filename().isBlank()
                ? null : reservation.filename();
        String resNext = reservation == null || reservation.nextServer() == null || reservation.nextServer().isBlank()
                ? null : family.apply(reservation.nextServer());
        boolean reservationWins = resFile != null && switch (client.kind()) {
            case IPXE -> rule.isEmpty() || isScriptUrl(resFile);
            // UEFI HTTP Boot cannot fetch a TFTP path: a TFTP-only reservation leaves it to the rules
            case HTTP_CLIENT -> rule.isEmpty() || BootAnswer.isUrl(resFile);
            case PXE_CLIENT, OTHER -> true;
        };
        String configured = nextServer == null ? null : family.apply(nextServer);
        if (reservationWins) {
            String next = resNext != null ? resNext
                    : rule.map(BootRule::nextServer).map(family).orElse(configured != null ? configured : serverIp);
            return Optional.of(new BootAnswer(resFile, next, "reservation"));
        }
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        BootRule r = rule.get();
        String next = resNext != null ? resNext
                : r.nextServer() != null ? family.apply(r.nextServer()) : configured != null ? configured : serverIp;
        return Optional.of(new BootAnswer(expand(r.filename(), urlHost.apply(next)), next, r.name()));
    }

    /** Replaces the placeholders of a rule's file name. */
    public String expand(String filename, String nextServerText) {
        Matcher m = BootRule.PLACEHOLDER.matcher(filename);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = switch (m.group(1)) {
                case "next_server" -> nextServerText;
                case "http_port" -> String.valueOf(httpPort);
                case "https_port" -> String.valueOf(httpsPort);
                default -> m.group(0);
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static boolean isScriptUrl(String f) {
        if (!BootAnswer.isUrl(f)) {
            return false;
        }
        String path = f.toLowerCase(Locale.ROOT);
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        return !(path.endsWith(".efi") || path.endsWith(".kpxe") || path.endsWith(".pxe") || path.endsWith(".0")
                || path.endsWith(".kkpxe") || path.endsWith(".lkrn"));
    }
}
