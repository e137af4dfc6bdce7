package org.bootproxy.spi;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;

/**
 * Base of every plugin's configuration section ({@code plugins.<name>} in the YAML). Subclasses
 * add their settings as Jackson-bound fields with Bean Validation constraints; an unknown key in
 * the section is an error that names it.
 */
public abstract class PluginConfig {

    @NotNull
    private Enablement enabled = Enablement.FALSE;

    /** On which listeners the plugin is mounted; absent means {@code false}. */
    @JsonProperty
    public Enablement getEnabled() {
        return enabled;
    }

    @JsonProperty
    public void setEnabled(Enablement enabled) {
        this.enabled = enabled;
    }
}
