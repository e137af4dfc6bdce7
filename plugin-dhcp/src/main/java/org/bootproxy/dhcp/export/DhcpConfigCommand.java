package org.bootproxy.dhcp.export;

import java.io.PrintStream;
import java.nio.file.Files;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.backend.embedded.StoreDamagedException;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.server.Binding;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.PluginCommand;

/**
 * {@code bootproxy dhcp-config --format isc|isc6|dnsmasq|kea|kea6 [options] config.yml}: prints a
 * configuration for an external DHCP server that gives the same boot answers as bootproxy's
 * embedded server — the rules of {@code plugins.dhcp.boot} (built-in ones included), the subnets of
 * {@code plugins.dhcp.subnets}, and the reservations stored in {@code plugins.dhcp.state_dir} when
 * the embedded store can be read. It only reads the store, never changes it; a store it cannot
 * read (bootproxy running on it, not a directory, damaged) fails the command with the reason and a
 * non-zero exit rather than print a configuration that silently lacks the reservations
 * ({@code --without-reservations} exports the rules and subnets alone on purpose).
 *
 * <p>{@code ${next_server}} becomes {@code --next-server}, else {@code boot.next_server}, else the
 * address of the first configured interface; {@code ${http_port}}/{@code ${https_port}} become
 * {@code --http-port}/{@code --https-port}, else the configuration file's {@code http_port} and
 * {@code https_port}, else 8000 and 8443.
 */
public final class DhcpConfigCommand implements PluginCommand<DhcpConfig> {

    @Override
    public String name() {
        return "dhcp-config";
    }

    @Override
    public String description() {
        return "Print ISC dhcpd / dhcpd -6 / dnsmasq / Kea configuration implementing bootproxy's DHCP boot rules";
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--format").required(true).choices("isc", "isc6", "dnsmasq", "kea", "kea6")
                .help("the external server's configuration format");
        subparser.addArgument("--next-server").dest("next_server")
                .help("next server / host of boot URLs (default: boot.next_server, else the first interface's address)");
        subparser.addArgument("--next-server6").dest("next_server6")
                .help("IPv6 address or host name for DHCPv6 boot URLs (isc6, kea6)");
        subparser.addArgument("--http-port").dest("http_port").type(Integer.class)
                .help("the proxy's HTTP port in boot URLs (default: http_port of the configuration, else 8000)");
        subparser.addArgument("--https-port").dest("https_port").type(Integer.class)
                .help("the proxy's HTTPS port in boot URLs (default: https_port of the configuration, else 8443)");
        subparser.addArgument("--without-reservations").dest("without_reservations")
                .action(net.sourceforge.argparse4j.impl.Arguments.storeTrue())
                .help("leave the stored reservations out (otherwise a store that cannot be read fails the command)");
    }

    @Override
    public void run(Namespace ns, DhcpConfig config, PrintStream out) throws Exception {
        run(ns, config, new Listeners(null, null, "*", false, false), out);
    }

    @Override
    public void run(Namespace ns, DhcpConfig config, Listeners listeners, PrintStream out) throws Exception {
        ExportFormat format = ExportFormat.parse(ns.getString("format"));
        Integer http = firstOf(ns.getInt("http_port"), listeners.httpPort(), 8000);
        Integer https = firstOf(ns.getInt("https_port"), listeners.httpsPort(), 8443);
        BootRules rules = BootRules.from(config.getBoot(), new Listeners(http, https, "*", true, true));
        List<Subnet> subnets = Subnet.fromConfig(config.getSubnets());
        String next = ns.getString("next_server");
        if (next == null) {
            next = config.getBoot().getNextServer();
        }
        if (next == null && !config.getInterfaces().isEmpty()) {
            next = Binding.resolve(config.getInterfaces().get(0)).address().toString();
        }
        if (next == null) {
            throw new IllegalArgumentException("dhcp-config: give --next-server (no boot.next_server and no"
                    + " plugins.dhcp.interfaces to take it from)");
        }
        List<String> notes = new ArrayList<>();
        List<Reservation> reservations = Boolean.TRUE.equals(ns.getBoolean("without_reservations"))
                ? List.of() : reservations(config, subnets, notes);
        ExportModel model = new ExportModel(subnets, reservations, rules, next, ns.getString("next_server6"),
                config.getInterfaces());
        String text = format.render(model);
        for (String n : notes) {
            out.println("# " + n);
        }
        out.print(text);
        out.flush();
    }

    private static Integer firstOf(Integer a, Integer b, int fallback) {
        return a != null ? a : b != null ? b : fallback;
    }

    private static List<Reservation> reservations(DhcpConfig config, List<Subnet> subnets, List<String> notes)
            throws java.io.IOException {
        if (!"embedded".equals(config.getProvider()) || !Files.exists(config.getStateDir())) {
            return List.of(); // nothing was ever stored there
        }
        if (!Files.isDirectory(config.getStateDir())) {
            throw new java.io.IOException("cannot read the reservations: state_dir " + config.getStateDir()
                    + " is not a directory (--without-reservations exports the rules alone)");
        }
        List<Reservation> out = new ArrayList<>();
        // read-only: never cuts, creates or rewrites a file of the store
        try (DhcpBackend backend = EmbeddedBackend.read(config.getStateDir(), subnets, InstantSource.system())) {
            for (Subnet s : subnets) {
                out.addAll(backend.reservations(s));
            }
        } catch (StoreDamagedException e) {
            throw e; // a configuration without some reservations would look complete: fail instead
        } catch (Exception e) {
            throw new java.io.IOException("cannot read the reservations of " + config.getStateDir() + ": "
                    + e.getMessage() + " (a running bootproxy holds its store: stop it, or use --without-reservations)",
                    e);
        }
        return out;
    }
}
