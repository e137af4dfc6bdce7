package org.bootproxy.dhcp.boot;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code plugins.dhcp.boot}: which boot file each kind of client gets.
 *
 * <pre>
 * boot:
 *   next_server: 192.0.2.1        # optional; default: the address of the interface that got the request
 *   defaults: true                # append the built-in rules (see BootRules.defaults) after these
 *   rules:                        # first match wins
 *     - mac: "b8:27:eb:00:00:01"  # a Raspberry Pi that sends arch 0
 *       filename: bootcode.bin
 *     - client: HTTPClient        # PXEClient | HTTPClient | iPXE | other; absent = any
 *       arch: [16]                # option 93 codes; absent = any
 *       vendor_class: "HTTPClient:Arch:00016"   # prefix of option 60; absent = any
 *       filename: "http://${next_server}:${http_port}/httpboot/EFI/BOOT/BOOTX64.EFI"
 *       next_server: 192.0.2.5    # optional, IPv4 or host name
 * </pre>
 *
 * Placeholders in {@code filename}: {@code ${next_server}} (the rule's, else {@code next_server},
 * else the receiving interface's address), {@code ${http_port}} and {@code ${https_port}} (the
 * proxy's listener ports). A reservation's own {@code filename}/{@code nextServer} win over rules
 * (for iPXE clients only when the reservation's file is a script URL, see {@link BootRules}).
 */
public final class BootConfig {

    @JsonProperty("next_server")
    private String nextServer;

    @JsonProperty("defaults")
    private boolean defaults = true;

    @Valid
    @NotNull
    @JsonProperty("rules")
    private List<BootRuleConfig> rules = new ArrayList<>();

    public BootConfig() {
    }

    public BootConfig(String nextServer, boolean defaults, List<BootRuleConfig> rules) {
        this.nextServer = nextServer;
        this.defaults = defaults;
        this.rules = new ArrayList<>(rules);
    }

    public String getNextServer() {
        return nextServer;
    }

    public boolean isDefaults() {
        return defaults;
    }

    public List<BootRuleConfig> getRules() {
        return rules;
    }
}
