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
 * the embedded store can be read (not while bootproxy runs on it: then a comment says they were
 * left out). It only reads the store, never changes it; a damaged store fails the command with
 * the damage's file, offset and reason.
 *
 * <p>{@code ${next_server}} becomes {@code --next-server}, else {@code boot.next_server}, else the
 * address of the first configured interface; {@code ${http_port}}/{@code ${https_port}} become
 * {@code --http-port}/{@code --https-port} (defaults 8000 and 8443, bootproxy's defaults).
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
        subparser.addArgument("--http-port").dest("http_port").type(Integer.class).setDefault(8000)
                .help("the proxy's HTTP port in boot URLs (default 8000)");
        subparser.addArgument("--https-port").dest("https_port").type(Integer.class).setDefault(8443)
                .help("the proxy's HTTPS port in boot URLs (default 8443)");
    }

    @Override
    public void run(Namespace ns, DhcpConfig config, PrintStream out) throws Exception {
        ExportFormat format = ExportFormat.parse(ns.getString("format"));
        Integer http = ns.getInt("http_port");
        Integer https = ns.getInt("https_port");
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
        List<Reservation> reservations = reservations(config, subnets, notes);
        ExportModel model = new ExportModel(subnets, reservations, rules, next, ns.getString("next_server6"),
                config.getInterfaces());
        String text = format.render(model);
        for (String n : notes) {
            out.println("# " + n);
        }
        out.print(text);
        out.flush();
    }

    private static List<Reservation> reservations(DhcpConfig config, List<Subnet> subnets, List<String> notes)
            throws StoreDamagedException {
        if (!"embedded".equals(config.getProvider()) || !Files.isDirectory(config.getStateDir())) {
            return List.of();
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
            notes.add("reservations of " + config.getStateDir() + " not included: " + e.getMessage());
            return List.of();
        }
        return out;
    }
}
