package org.bootproxy.core.register;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.bootproxy.core.http.PemKeyStores;

/**
 * {@code bootproxy register --foreman <url> [--name N] [--url U] (--username/--password |
 * --oauth-key/--oauth-secret) [config.yml]}: makes this proxy known to Foreman through its API
 * (Foreman's {@code Api::V2::SmartProxiesController}): it looks the proxy up by name
 * ({@code GET /api/smart_proxies?search=name="N"}); when it exists its features are refreshed
 * ({@code PUT /api/smart_proxies/:id/refresh}), else it is created
 * ({@code POST /api/smart_proxies} with {@code {"smart_proxy": {"name", "url"}}}), after which
 * Foreman reads {@code /v2/features} itself.
 *
 * <p>Authentication: HTTP Basic with a Foreman user, or OAuth 1.0a (HMAC-SHA1, two-legged) with
 * Foreman's {@code oauth_consumer_key}/{@code oauth_consumer_secret} and the user in
 * {@code FOREMAN-USER}. Errors are one line: 401 (credentials), 403 (permissions), 422 (Foreman's
 * own validation messages), TLS failures (with the hint to pass {@code --ca-file}).
 */
public final class RegisterCommand extends Command {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registration that did not happen; the message says why, for the operator. */
    public static final class RegisterException extends Exception {
        private static final long serialVersionUID = 1L;

        public RegisterException(String message) {
            super(message);
        }

        public RegisterException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What one run needs. */
    public record Options(URI foreman, String name, String url, String username, String password, String oauthKey,
                          String oauthSecret, String oauthUser, Path caFile) {
    }

    public RegisterCommand() {
        super("register", "Registers this proxy with Foreman (creates it, or refreshes its features when it exists)");
    }

    @Override
    public void configure(Subparser p) {
        p.addArgument("file").nargs("?").help("bootproxy configuration (https_port/http_port make the default --url)");
        p.addArgument("--foreman").dest("foreman").required(true).help("Foreman's URL, e.g. https://foreman.example.com");
        p.addArgument("--name").dest("name").help("the smart proxy's name in Foreman (default: this host's name)");
        p.addArgument("--url").dest("url")
                .help("the URL Foreman reaches this proxy at (default: https://<host>:<https_port>, else http://<host>:<http_port>)");
        p.addArgument("--username").dest("username").help("Foreman user (HTTP Basic)");
        p.addArgument("--password").dest("password").help("its password");
        p.addArgument("--oauth-key").dest("oauth_key").help("Foreman's oauth_consumer_key");
        p.addArgument("--oauth-secret").dest("oauth_secret").help("Foreman's oauth_consumer_secret");
        p.addArgument("--oauth-user").dest("oauth_user").setDefault("admin")
                .help("the Foreman user OAuth requests act as (FOREMAN-USER; default admin)");
        p.addArgument("--ca-file").dest("ca_file").help("PEM CA bundle Foreman's certificate chains to (default: the JVM's)");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        String file = ns.getString("file");
        JsonNode config;
        try {
            config = org.bootproxy.core.config.RawConfig.read(bootstrap, file);
        } catch (IOException e) {
            throw new RegisterException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        String host = hostName();
        String url = ns.getString("url");
        if (url == null) {
            JsonNode https = config == null ? null : config.get("https_port");
            JsonNode http = config == null ? null : config.get("http_port");
            url = https != null && !https.isNull() ? "https://" + host + ":" + https.asInt()
                    : "http://" + host + ":" + (http != null && !http.isNull() ? http.asInt() : 8000);
        }
        boolean basic = ns.getString("username") != null || ns.getString("password") != null;
        boolean oauth = ns.getString("oauth_key") != null || ns.getString("oauth_secret") != null;
        if (basic == oauth || basic && (ns.getString("username") == null || ns.getString("password") == null)
                || oauth && (ns.getString("oauth_key") == null || ns.getString("oauth_secret") == null)) {
            throw new RegisterException("give either --username and --password, or --oauth-key and --oauth-secret");
        }
        URI foreman;
        try {
            foreman = URI.create(ns.getString("foreman").replaceAll("/+$", ""));
            if (!"https".equals(foreman.getScheme()) && !"http".equals(foreman.getScheme())) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new RegisterException("--foreman " + ns.getString("foreman") + " is not an http(s) URL");
        }
        register(new Options(foreman, ns.getString("name") != null ? ns.getString("name") : host, url,
                ns.getString("username"), ns.getString("password"), ns.getString("oauth_key"),
                ns.getString("oauth_secret"), ns.getString("oauth_user"),
                ns.getString("ca_file") == null ? null : Path.of(ns.getString("ca_file"))), System.out);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof RegisterException) {
            cli.getStdErr().println("bootproxy register: " + e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }

    /** Creates or refreshes the smart proxy; prints one line saying which. */
    public static void register(Options o, PrintStream out) throws RegisterException {
        HttpClient client = client(o);
        String search = URLEncoder.encode("name=\"" + o.name() + "\"", StandardCharsets.UTF_8);
        JsonNode list = call(client, o, "GET", "/api/smart_proxies?search=" + search, null);
        JsonNode existing = null;
        for (JsonNode r : list.path("results")) {
            if (o.name().equals(r.path("name").asText())) {
                existing = r;
            }
        }
        if (existing != null) {
            String id = existing.path("id").asText();
            JsonNode refreshed = call(client, o, "PUT", "/api/smart_proxies/" + id + "/refresh", null);
            out.println("Refreshed smart proxy " + o.name() + " (id " + id + ", " + existing.path("url").asText()
                    + ") in " + o.foreman() + ": features " + features(refreshed));
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("smart_proxy").put("name", o.name()).put("url", o.url());
        JsonNode created = call(client, o, "POST", "/api/smart_proxies", body);
        out.println("Created smart proxy " + o.name() + " (id " + created.path("id").asText() + ", " + o.url()
                + ") in " + o.foreman() + ": features " + features(created));
    }

    private static List<String> features(JsonNode proxy) {
        List<String> names = new ArrayList<>();
        for (JsonNode f : proxy.path("features")) {
            names.add(f.isTextual() ? f.asText() : f.path("name").asText());
        }
        return names;
    }

    private static JsonNode call(HttpClient client, Options o, String method, String pathAndQuery, JsonNode body)
            throws RegisterException {
        URI uri = URI.create(o.foreman() + pathAndQuery);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json;version=2").header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (o.username() != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (o.username() + ":" + o.password()).getBytes(StandardCharsets.UTF_8)));
        } else {
            b.header("Authorization", OAuth1.header(method, uri, o.oauthKey(), o.oauthSecret()));
            b.header("FOREMAN-USER", o.oauthUser());
        }
        HttpResponse<String> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (SSLException e) {
            throw new RegisterException("TLS with " + o.foreman() + " failed: " + e.getMessage()
                    + (o.caFile() == null ? " (if Foreman's certificate is from its own CA, pass --ca-file)" : ""), e);
        } catch (IOException e) {
            throw new RegisterException("cannot reach " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegisterException("interrupted", e);
        }
        JsonNode json;
        try {
            json = r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            json = null;
        }
        int status = r.statusCode();
        if (status == 401) {
            throw new RegisterException("Foreman refused the credentials (401 " + method + " " + uri.getPath() + ")"
                    + message(json, ": "));
        }
        if (status == 403) {
            throw new RegisterException("the Foreman user may not manage smart proxies (403 " + method + " "
                    + uri.getPath() + ")" + message(json, ": "));
        }
        if (status == 422) {
            throw new RegisterException("Foreman refused the smart proxy " + o.name() + " (" + o.url() + "): "
                    + message(json, ""));
        }
        if (status / 100 != 2 || json == null) {
            throw new RegisterException("Foreman answered " + status + " to " + method + " " + uri.getPath()
                    + (json == null ? " with something that is not JSON" : message(json, ": ")));
        }
        return json;
    }

    /** Foreman's error text: {@code error.full_messages} (422) or {@code error.message}. */
    private static String message(JsonNode json, String prefix) {
        if (json == null) {
            return "";
        }
        JsonNode error = json.path("error");
        List<String> parts = new ArrayList<>();
        for (JsonNode m : error.path("full_messages")) {
            parts.add(m.asText());
        }
        if (parts.isEmpty() && error.path("message").isTextual()) {
            parts.add(error.path("message").asText());
        }
        return parts.isEmpty() ? "" : prefix + String.join("; ", parts);
    }

    private static HttpClient client(Options o) throws RegisterException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (o.caFile() != null) {
            try {
                KeyStore trust = PemKeyStores.trustStore(o.caFile());
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
                b.sslContext(ctx);
            } catch (PemKeyStores.PemException e) {
                throw new RegisterException(e.getMessage().replace("ssl_ca_file", "--ca-file"), e);
            } catch (GeneralSecurityException e) {
                throw new RegisterException("--ca-file " + o.caFile() + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** OAuth 1.0a request signing (RFC 5849), HMAC-SHA1, no token: what Foreman's API accepts. */
    static final class OAuth1 {
        private static final SecureRandom RANDOM = new SecureRandom();

        private OAuth1() {
        }

        static String header(String method, URI uri, String key, String secret) {
            return header(method, uri, key, secret, Long.toString(System.currentTimeMillis() / 1000),
                    Long.toHexString(RANDOM.nextLong()) + Long.toHexString(RANDOM.nextLong()));
        }

        /** RFC 5849 section 3.4: the signature base string over the oauth and query parameters. */
        static String header(String method, URI uri, String key, String secret, String timestamp, String nonce) {
            Map<String, String> oauth = new TreeMap<>();
            oauth.put("oauth_consumer_key", key);
            oauth.put("oauth_nonce", nonce);
            oauth.put("oauth_signature_method", "HMAC-SHA1");
            oauth.put("oauth_timestamp", timestamp);
            oauth.put("oauth_version", "1.0");
            List<String> params = new ArrayList<>();
            oauth.forEach((k, v) -> params.add(enc(k) + "=" + enc(v)));
            if (uri.getRawQuery() != null) {
                for (String kv : uri.getRawQuery().split("&")) {
                    int eq = kv.indexOf('=');
                    String k = decode(eq < 0 ? kv : kv.substring(0, eq));
                    String v = eq < 0 ? "" : decode(kv.substring(eq + 1));
                    params.add(enc(k) + "=" + enc(v));
                }
            }
            params.sort(null);
            String base = method.toUpperCase(java.util.Locale.ROOT) + "&"
                    + enc(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath()) + "&"
                    + enc(String.join("&", params));
            String signature;
            try {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec((enc(secret) + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
                signature = Base64.getEncoder().encodeToString(mac.doFinal(base.getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
            }
            StringBuilder h = new StringBuilder("OAuth ");
            oauth.put("oauth_signature", signature);
            oauth.forEach((k, v) -> h.append(enc(k)).append("=\"").append(enc(v)).append("\", "));
            return h.substring(0, h.length() - 2);
        }

        /** RFC 3986 percent-encoding as RFC 5849 section 3.6 wants it. */
        static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
                    .replace("%7E", "~");
        }

        private static String decode(String s) {
            return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
        }
    }
}
