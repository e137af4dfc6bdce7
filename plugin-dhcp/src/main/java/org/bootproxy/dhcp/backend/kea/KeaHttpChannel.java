package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.bootproxy.dhcp.backend.BackendUnavailableException;

/**
 * {@code kea-ctrl-agent} over HTTP or HTTPS (the JDK's trust store verifies the agent's
 * certificate), with optional basic authentication; every command goes to the {@code dhcp4}
 * service. Bounded by {@link KeaChannel#CONNECT_TIMEOUT} and {@link KeaChannel#TIMEOUT}.
 */
final class KeaHttpChannel implements KeaChannel {

    private final URI url;
    private final String authorization;
    private final HttpClient http;

    /**
     * @param username null for none; with {@code password} (which may be empty) it becomes basic authentication
     */
    KeaHttpChannel(URI url, String username, String password) {
        this.url = Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("plugins.dhcp.kea.url must be http:// or https://: " + url);
        }
        this.authorization = username == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String describe() {
        return "control agent " + url;
    }

    @Override
    public KeaResponse send(String command, ObjectNode arguments) throws BackendUnavailableException {
        ObjectNode c = KeaChannel.command(command, arguments);
        c.putArray("service").add("dhcp4");
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(c);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a Kea command", e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new BackendUnavailableException("Kea at " + describe() + " did not answer '" + command + "' within "
                    + TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new BackendUnavailableException("Kea is not reachable at " + describe() + " ('" + command + "'): "
                    + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("Interrupted while waiting for Kea at " + describe(), e);
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new BackendUnavailableException("Kea at " + describe() + " refused bootproxy's credentials (HTTP "
                    + r.statusCode() + "): check plugins.dhcp.kea.username/password", null);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new BackendUnavailableException("Kea at " + describe() + " answered '" + command + "' with HTTP "
                    + r.statusCode() + " and no JSON", e);
        }
        return KeaChannel.response(answer, command, describe());
    }
}
