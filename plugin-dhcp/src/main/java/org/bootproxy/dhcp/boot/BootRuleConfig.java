package org.bootproxy.dhcp.boot;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;
import java.util.ArrayList;
import java.util.List;

/** One entry of {@code plugins.dhcp.boot.rules}; checked and turned into a {@link BootRule} at start. */
public final class BootRuleConfig {

    @JsonProperty("client")
    private String client;

    @JsonProperty("arch")
    private List<Integer> arch = new ArrayList<>();

    @JsonProperty("mac")
    private String mac;

    @JsonProperty("vendor_class")
    private String vendorClass;

    @NotEmpty
    @JsonProperty("filename")
    private String filename;

    @JsonProperty("next_server")
    private String nextServer;

    public BootRuleConfig() {
    }

    public BootRuleConfig(String client, List<Integer> arch, String mac, String vendorClass, String filename,
                          String nextServer) {
        this.client = client;
        this.arch = arch == null ? new ArrayList<>() : new ArrayList<>(arch);
        this.mac = mac;
        this.vendorClass = vendorClass;
        this.filename = filename;
        this.nextServer = nextServer;
    }

    public String getClient() {
        return client;
    }

    public List<Integer> getArch() {
        return arch;
    }

    public String getMac() {
        return mac;
    }

    public String getVendorClass() {
        return vendorClass;
    }

    public String getFilename() {
        return filename;
    }

    public String getNextServer() {
        return nextServer;
    }
}
