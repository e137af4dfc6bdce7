package org.bootproxy.core.plugins;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A plugin's state as {@code /v2/features} shows it. */
public enum PluginState {
    RUNNING, DISABLED, FAILED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
