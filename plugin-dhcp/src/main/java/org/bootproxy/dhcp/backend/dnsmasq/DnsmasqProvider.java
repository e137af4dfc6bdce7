package org.bootproxy.dhcp.backend.dnsmasq;

import java.io.IOException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.provider.DhcpProvider;
import org.bootproxy.dhcp.provider.ProviderContext;

/**
 * {@code provider: dnsmasq}: a running dnsmasq through its configuration, hosts and options
 * directories, lease file and PID file ({@link DnsmasqBackend}); settings
 * {@code plugins.dhcp.dnsmasq} ({@link DnsmasqSettings}). Subnets come from its {@code dhcp-range}s;
 * {@code plugins.dhcp.subnets}, when set, filters them.
 */
public final class DnsmasqProvider implements DhcpProvider<DnsmasqSettings> {

    @Override
    public String name() {
        return "dnsmasq";
    }

    @Override
    public Class<DnsmasqSettings> settingsType() {
        return DnsmasqSettings.class;
    }

    /**
     * dnsmasq.conf readable; the host and option directories, where set here, writable; the pid
     * file, where set here, naming a running process (deletes signal it).
     */
    @Override
    public java.util.List<String> check(ProviderContext context, DnsmasqSettings settings) {
        java.util.List<String> out = new java.util.ArrayList<>();
        org.bootproxy.spi.Checks.readableFile("dnsmasq.config", settings.getConfig()).ifPresent(out::add);
        if (settings.getHostsdir() != null) {
            org.bootproxy.spi.Checks.directory("dnsmasq.hostsdir", settings.getHostsdir(), true).ifPresent(out::add);
        }
        if (settings.getOptsdir() != null) {
            org.bootproxy.spi.Checks.directory("dnsmasq.optsdir", settings.getOptsdir(), true).ifPresent(out::add);
        }
        if (settings.getPidFile() != null) {
            java.util.Optional<String> p = org.bootproxy.spi.Checks.readableFile("dnsmasq.pid_file", settings.getPidFile());
            if (p.isPresent()) {
                out.add(p.get());
            } else {
                try {
                    long pid = Long.parseLong(java.nio.file.Files.readString(settings.getPidFile()).trim());
                    if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
                        out.add("dnsmasq.pid_file " + settings.getPidFile() + " names process " + pid
                                + ", which is not running");
                    }
                } catch (IOException | NumberFormatException e) {
                    out.add("dnsmasq.pid_file " + settings.getPidFile() + " holds no process id: " + e.getMessage());
                }
            }
        }
        return out;
    }

    @Override
    public DhcpBackend open(ProviderContext context, DnsmasqSettings settings) throws IOException {
        return DnsmasqBackend.open(settings, context.clock(), context::manages);
    }
}
