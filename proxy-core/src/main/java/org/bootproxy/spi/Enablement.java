package org.bootproxy.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * {@code plugins.<name>.enabled}, with smart-proxy semantics: {@code true} mounts the plugin on
 * both listeners, {@code http} or {@code https} on one, {@code false} disables it.
 */
public enum Enablement {
    FALSE(false, false),
    TRUE(true, true),
    HTTP(true, false),
    HTTPS(false, true);

    private final boolean http;
    private final boolean https;

    Enablement(boolean http, boolean https) {
        this.http = http;
        this.https = https;
    }

    public boolean http() {
        return http;
    }

    public boolean https() {
        return https;
    }

    public boolean enabled() {
        return http || https;
    }

    /** Accepts YAML booleans and the strings {@code true}, {@code false}, {@code http}, {@code https}. */
    @JsonCreator
    public static Enablement parse(Object value) {
        if (value instanceof Boolean b) {
            return b ? TRUE : FALSE;
        }
        if (value instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true": return TRUE;
                case "false": return FALSE;
                case "http": return HTTP;
                case "https": return HTTPS;
                default: break;
            }
        }
        throw new IllegalArgumentException("enabled: '" + value + "' is not one of true, false, http, https");
    }

    @JsonValue
    public Object json() {
        return switch (this) {
            case FALSE -> false;
            case TRUE -> true;
            case HTTP -> "http";
            case HTTPS -> "https";
        };
    }
}
