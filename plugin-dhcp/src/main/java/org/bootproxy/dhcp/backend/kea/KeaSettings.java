package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * {@code plugins.dhcp.kea}: how bootproxy reaches kea-dhcp4. {@code url} (kea-ctrl-agent) wins
 * over {@code control_socket} (kea-dhcp4's own unix socket) when set.
 */
public final class KeaSettings {

    /** The unix socket of kea-dhcp4's {@code control-socket}. */
    @JsonProperty("control_socket")
    private Path controlSocket = Path.of("/run/kea/kea4-ctrl-socket");

    /** The kea-ctrl-agent URL (http or https), or null to use {@code control_socket}. */
    @JsonProperty("url")
    private String url;

    /** Basic authentication for the agent, or null for none. */
    @JsonProperty("username")
    private String username;

    @JsonProperty("password")
    private String password;

    public KeaSettings() {
    }

    public KeaSettings(Path controlSocket, String url, String username, String password) {
        this.controlSocket = controlSocket;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    public Path getControlSocket() {
        return controlSocket;
    }

    public String getUrl() {
        return url;
    }

    public String getUsername() {
        return username;
    }

    public String getPassword() {
        return password;
    }
}
