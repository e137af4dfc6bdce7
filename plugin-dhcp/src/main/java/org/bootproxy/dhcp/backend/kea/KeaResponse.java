package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Kea's answer to one command.
 *
 * @param result 0 success, 1 error, 2 command not supported (hook not loaded), 3 empty (nothing found)
 * @param text Kea's message, never null
 * @param arguments the command's result, or null
 */
record KeaResponse(int result, String text, JsonNode arguments) {

    static final int SUCCESS = 0;
    static final int ERROR = 1;
    static final int UNSUPPORTED = 2;
    static final int EMPTY = 3;

    KeaResponse {
        Objects.requireNonNull(text, "text");
    }
}
