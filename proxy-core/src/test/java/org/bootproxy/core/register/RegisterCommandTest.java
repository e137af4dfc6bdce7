package org.bootproxy.core.register;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract test of {@code bootproxy register}: a loopback HTTP server replays the requests and
 * answers of Foreman's {@code Api::V2::SmartProxiesController} (index with {@code search},
 * create with {@code smart_proxy[name,url]}, {@code PUT :id/refresh}) and its error shapes
 * ({@code {"error": {"message"}}} for 401, {@code {"error": {"errors", "full_messages"}}} for 422).
 */
class RegisterCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the fake Foreman saw it. */
    record Seen(String method, String pathAndQuery, String authorization, String foremanUser, String accept,
                String body) {
    }

    private HttpServer foreman;
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    /** The proxies the fake knows, as Foreman's index shows them. */
    private final List<String> existing = new ArrayList<>();
    private int status = 0;
    private String errorBody;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void startForeman() throws IOException {
        foreman = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        foreman.createContext("/api/smart_proxies", this::handle);
        foreman.start();
    }

    @AfterEach
    void stopForeman() {
        foreman.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        URI uri = ex.getRequestURI();
        seen.add(new Seen(ex.getRequestMethod(), uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
                ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("FOREMAN-USER"),
                ex.getRequestHeaders().getFirst("Accept"), body));
        String answer;
        int code;
        if (status != 0) {
            code = status;
            answer = errorBody;
        } else if ("GET".equals(ex.getRequestMethod())) {
            code = 200;
            StringBuilder results = new StringBuilder();
            for (String p : existing) {
                results.append(results.length() == 0 ? "" : ",").append(p);
            }
            answer = "{\"total\": " + existing.size() + ", \"subtotal\": " + existing.size() + ", \"page\": 1, "
                    + "\"per_page\": 20, \"search\": \"name=\\\"proxy1\\\"\", \"sort\": {\"by\": null, \"order\": null}, "
                    + "\"results\": [" + results + "]}";
        } else if ("POST".equals(ex.getRequestMethod())) {
            code = 201;
            JsonNode sp = JSON.readTree(body).path("smart_proxy");
            answer = "{\"id\": 3, \"name\": \"" + sp.path("name").asText() + "\", \"url\": \"" + sp.path("url").asText()
                    + "\", \"created_at\": \"2026-12-04T18:00:00.000Z\", \"updated_at\": \"2026-12-04T18:00:00.000Z\", "
                    + "\"features\": [{\"name\": \"TFTP\", \"id\": 1}, {\"name\": \"DHCP\", \"id\": 2}, "
                    + "{\"name\": \"HTTPBoot\", \"id\": 3}, {\"name\": \"Logs\", \"id\": 4}]}";
        } else {
            code = 200;
            answer = "{\"id\": 7, \"name\": \"proxy1\", \"url\": \"https://proxy1.example.com:8443\", "
                    + "\"features\": [{\"name\": \"TFTP\", \"id\": 1}, {\"name\": \"HTTPBoot\", \"id\": 3}]}";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private String url() {
        return "http://127.0.0.1:" + foreman.getAddress().getPort();
    }

    private Optional<Throwable> bootproxy(String... args) {
        out.reset();
        err.reset();
        Bootstrap<Configuration> bootstrap = new Bootstrap<>(new Application<>() {
            @Override
            public void run(Configuration configuration, Environment environment) {
            }
        });
        bootstrap.addCommand(new RegisterCommand());
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new Cli(new JarLocation(getClass()), bootstrap, out, err).run(args);
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void newProxy_isCreatedWithFormansSmartProxyShape_withBasicAuth() throws Exception {
        assertThat(bootproxy("register", "--foreman", url(), "--name", "proxy1", "--url",
                "https://proxy1.example.com:8443", "--username", "admin", "--password", "changeme"))
                .as(err.toString()).isEmpty();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).method()).isEqualTo("GET");
        assertThat(seen.get(0).pathAndQuery()).isEqualTo("/api/smart_proxies?search=name%3D%22proxy1%22");
        assertThat(seen.get(1).method()).isEqualTo("POST");
        assertThat(seen.get(1).pathAndQuery()).isEqualTo("/api/smart_proxies");
        assertThat(JSON.readTree(seen.get(1).body())).isEqualTo(JSON.readTree(
                "{\"smart_proxy\": {\"name\": \"proxy1\", \"url\": \"https://proxy1.example.com:8443\"}}"));
        assertThat(seen.get(1).authorization()).isEqualTo("Basic YWRtaW46Y2hhbmdlbWU=");
        assertThat(seen.get(1).accept()).isEqualTo("application/json;version=2");
        assertThat(out.toString()).contains("Created smart proxy proxy1 (id 3, https://proxy1.example.com:8443)")
                .contains("features [TFTP, DHCP, HTTPBoot, Logs]");
    }

    @Test
    void existingProxy_isRefreshed_notCreatedAgain() throws Exception {
        existing.add("{\"id\": 7, \"name\": \"proxy1\", \"url\": \"https://proxy1.example.com:8443\", "
                + "\"features\": [{\"name\": \"TFTP\", \"id\": 1}]}");
        existing.add("{\"id\": 8, \"name\": \"proxy10\", \"url\": \"https://proxy10.example.com:8443\", \"features\": []}");
        assertThat(bootproxy("register", "--foreman", url() + "/", "--name", "proxy1", "--username", "admin",
                "--password", "changeme")).as(err.toString()).isEmpty();
        assertThat(seen).extracting(Seen::method).containsExactly("GET", "PUT");
        assertThat(seen.get(1).pathAndQuery()).isEqualTo("/api/smart_proxies/7/refresh");
        assertThat(out.toString()).contains("Refreshed smart proxy proxy1 (id 7").contains("[TFTP, HTTPBoot]");
    }

    @Test
    void oauth_signsEveryRequest_andNamesTheForemanUser() throws Exception {
        assertThat(bootproxy("register", "--foreman", url(), "--name", "proxy1", "--url", "https://p:8443",
                "--oauth-key", "key1", "--oauth-secret", "secret1", "--oauth-user", "admin")).as(err.toString()).isEmpty();
        for (Seen s : seen) {
            assertThat(s.foremanUser()).isEqualTo("admin");
            assertThat(s.authorization()).startsWith("OAuth ").contains("oauth_consumer_key=\"key1\"")
                    .contains("oauth_signature_method=\"HMAC-SHA1\"").contains("oauth_version=\"1.0\"");
            // the signature verifies with the shared secret over this method, URL and query
            String ts = param(s.authorization(), "oauth_timestamp");
            String nonce = param(s.authorization(), "oauth_nonce");
            String expected = RegisterCommand.OAuth1.header(s.method(), URI.create(url() + s.pathAndQuery()), "key1",
                    "secret1", ts, nonce);
            assertThat(param(s.authorization(), "oauth_signature")).isEqualTo(param(expected, "oauth_signature"));
            String wrongSecret = RegisterCommand.OAuth1.header(s.method(), URI.create(url() + s.pathAndQuery()), "key1",
                    "secret2", ts, nonce);
            assertThat(param(s.authorization(), "oauth_signature")).isNotEqualTo(param(wrongSecret, "oauth_signature"));
        }
    }

    @Test
    void oauthSignature_matchesTheRfc5849BaseStringRules() {
        // RFC 5849 section 3.4.1: method, the URL without query, then sorted, encoded parameters
        String h = RegisterCommand.OAuth1.header("GET", URI.create("http://example.com/api/x?b=2&a=1%20c"), "ck", "cs",
                "1700000000", "n0nce");
        assertThat(h).contains("oauth_signature=\"" + RegisterCommand.OAuth1.enc(hmac(
                "GET&http%3A%2F%2Fexample.com%2Fapi%2Fx&a%3D1%2520c%26b%3D2%26oauth_consumer_key%3Dck%26oauth_nonce"
                        + "%3Dn0nce%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000%26oauth_version"
                        + "%3D1.0", "cs&")) + "\"");
    }

    @Test
    void wrongCredentials_401_isOneClearLine() {
        status = 401;
        errorBody = "{\"error\": {\"message\": \"Unable to authenticate user admin\"}}";
        assertThat(bootproxy("register", "--foreman", url(), "--name", "proxy1", "--username", "admin", "--password",
                "wrong")).isPresent();
        assertThat(err.toString()).contains("bootproxy register: Foreman refused the credentials (401 GET "
                + "/api/smart_proxies): Unable to authenticate user admin").doesNotContain("Exception");
    }

    @Test
    void foremanValidationError_422_showsForemansMessages() {
        status = 422;
        errorBody = "{\"error\": {\"id\": null, \"errors\": {\"url\": [\"Unable to communicate with the proxy\"]}, "
                + "\"full_messages\": [\"Url Unable to communicate with the proxy\"]}}";
        assertThat(bootproxy("register", "--foreman", url(), "--name", "proxy1", "--url", "https://p:8443",
                "--username", "admin", "--password", "changeme")).isPresent();
        assertThat(err.toString()).contains("Foreman refused the smart proxy proxy1 (https://p:8443): "
                + "Url Unable to communicate with the proxy");
    }

    @Test
    void tlsProblem_isNamedWithTheCaHint() {
        // https to a plain-HTTP server: the handshake fails
        assertThat(bootproxy("register", "--foreman", "https://127.0.0.1:" + foreman.getAddress().getPort(),
                "--name", "proxy1", "--username", "admin", "--password", "x")).isPresent();
        assertThat(err.toString()).contains("bootproxy register: TLS with https://127.0.0.1:")
                .contains("pass --ca-file");
    }

    @Test
    void credentials_areRequired_oneKindOnly() {
        assertThat(bootproxy("register", "--foreman", url(), "--name", "p")).isPresent();
        assertThat(err.toString()).contains("give either --username and --password, or --oauth-key and --oauth-secret");
        assertThat(bootproxy("register", "--foreman", url(), "--username", "a", "--password", "b", "--oauth-key", "k",
                "--oauth-secret", "s")).isPresent();
        assertThat(seen).isEmpty();
    }

    private static String param(String header, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + "=\"([^\"]*)\"").matcher(header);
        return m.find() ? m.group(1) : null;
    }

    private static String hmac(String base, String key) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return java.util.Base64.getEncoder().encodeToString(mac.doFinal(base.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
