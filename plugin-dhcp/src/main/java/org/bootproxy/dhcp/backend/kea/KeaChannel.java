package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.bootproxy.dhcp.backend.BackendUnavailableException;

/**
 * One way to send a command to Kea's DHCPv4 server and get its answer: the server's own unix
 * control socket ({@link KeaUnixChannel}) or {@code kea-ctrl-agent} over HTTP(S)
 * ({@link KeaHttpChannel}). Every call is bounded by the channel's timeout; a daemon that is down,
 * a socket that does not answer or an unreadable answer is a {@link BackendUnavailableException}
 * whose message names the endpoint. Thread-safe: each call uses a connection of its own. Not
 * sealed only so that tests can script Kea's answers.
 */
interface KeaChannel {

    ObjectMapper JSON = new ObjectMapper();

    /** Kea answers a command within this time or the call fails (config-set of a large configuration is the slowest). */
    Duration TIMEOUT = Duration.ofSeconds(60);

    /** Connecting must succeed within this time. */
    Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Sends {@code {"command": ..., "arguments": ...}} and returns Kea's answer object
     * ({@code result}, {@code text}, {@code arguments}) for the DHCPv4 server.
     */
    KeaResponse send(String command, ObjectNode arguments) throws BackendUnavailableException;

    /** Where the channel goes, for messages. */
    String describe();

    /** The command object Kea expects; {@code service} is set by the agent channel only. */
    static ObjectNode command(String command, ObjectNode arguments) {
        ObjectNode c = JSON.createObjectNode();
        c.put("command", command);
        if (arguments != null) {
            c.set("arguments", arguments);
        }
        return c;
    }

    /** Reads one answer object (the agent wraps it in a one-element array). */
    static KeaResponse response(JsonNode answer, String command, String where) throws BackendUnavailableException {
        JsonNode a = answer;
        if (a != null && a.isArray()) {
            if (a.size() != 1) {
                throw new BackendUnavailableException("Kea at " + where + " answered '" + command + "' with "
                        + a.size() + " results, expected 1", null);
            }
            a = a.get(0);
        }
        if (a == null || !a.isObject() || !a.path("result").isInt()) {
            throw new BackendUnavailableException("Kea at " + where + " answered '" + command
                    + "' without a result code", null);
        }
        return new KeaResponse(a.get("result").asInt(), a.path("text").asText(""), a.get("arguments"));
    }
}
