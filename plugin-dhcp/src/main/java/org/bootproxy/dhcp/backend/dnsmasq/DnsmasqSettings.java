package org.bootproxy.dhcp.backend.dnsmasq;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * {@code plugins.dhcp.dnsmasq}: the dnsmasq configuration to read and, when set, overrides of what
 * it says for the reservation directories, the lease file and the PID file.
 */
public final class DnsmasqSettings {

    /** dnsmasq's main configuration file; {@code conf-file}/{@code conf-dir} includes are followed. */
    @JsonProperty("config")
    private Path config = Path.of("/etc/dnsmasq.conf");

    /** Overrides {@code dhcp-hostsdir}. */
    @JsonProperty("hostsdir")
    private Path hostsdir;

    /** Overrides {@code dhcp-optsdir}. */
    @JsonProperty("optsdir")
    private Path optsdir;

    /** Overrides {@code dhcp-leasefile}. */
    @JsonProperty("leases")
    private Path leases;

    /** Overrides {@code pid-file}. */
    @JsonProperty("pid_file")
    private Path pidFile;

    public DnsmasqSettings() {
    }

    public DnsmasqSettings(Path config, Path hostsdir, Path optsdir, Path leases, Path pidFile) {
        this.config = config;
        this.hostsdir = hostsdir;
        this.optsdir = optsdir;
        this.leases = leases;
        this.pidFile = pidFile;
    }

    public Path getConfig() {
        return config;
    }

    public Path getHostsdir() {
        return hostsdir;
    }

    public Path getOptsdir() {
        return optsdir;
    }

    public Path getLeases() {
        return leases;
    }

    public Path getPidFile() {
        return pidFile;
    }
}
