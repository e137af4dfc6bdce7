package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.bootproxy.testing.NetNs;
import org.bootproxy.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who reaches the protected routes: OPTIONS gets the same listener and client checks as every
 * other method; a certificate is known by its first CN (smart-proxy's rule) or its SAN DNS names,
 * never by any of several CNs; without {@code trusted_hosts} plain HTTP answers only callers on
 * this host.
 */
class ProtectedRoutesTest {

    @TempDir
    static Path dir;
    static TlsSetup tls;

    @BeforeAll
    static void pki() {
        tls = TlsSetup.create(dir);
    }

    private static HttpResponse<String> options(HttpClient c, String url) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        return c.send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void options_onProtectedRoutesWithoutClientCertificate_is403() throws Exception {
        try (TestApp app = TestApp.start(dir, tls.yaml(""))) {
            HttpClient c = Http.client(tls.pki().trustingContext());
            String base = "https://localhost:" + app.port(true);
            for (String path : new String[] {"/v2/features", "/logs", "/alpha-admin"}) {
                HttpResponse<String> r = options(c, base + path);
                assertThat(r.statusCode()).as(path).isEqualTo(403);
                assertThat(r.body()).as(path).isEqualTo("No client SSL certificate supplied");
            }
            // public routes keep answering OPTIONS
            assertThat(options(c, base + "/alpha").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void options_onListenerWherePluginIsDisabled_is404() throws Exception {
        TestPki.Pem client = tls.pki().client("c-options", "foreman.example.com");
        try (TestApp app = TestApp.start(dir, tls.yaml(""))) {
            HttpResponse<String> r = options(Http.client(tls.pki().clientContext(client)),
                    "https://localhost:" + app.port(true) + "/quiet");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("Requested url was not found");
            assertThat(options(Http.client(null), "http://127.0.0.1:" + app.port(false) + "/quiet").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void certificateIdentity_isTheFirstCnOrASanName_neverAnyOfSeveralCns() throws Exception {
        // subject sequence as encoded: CN=intruder first, CN=foreman.example.com second, and the
        // other way round; neither carries a SAN
        TestPki.Pem intruderFirst = tls.pki().clientWithCommonNames("intruder-first", "intruder.example.net",
                "foreman.example.com");
        TestPki.Pem foremanFirst = tls.pki().clientWithCommonNames("foreman-first", "foreman.example.com",
                "intruder.example.net");
        TestPki.Pem sanOnly = tls.pki().client("san-only", "foreman.example.com");
        try (TestApp app = TestApp.start(dir, tls.yaml("trusted_hosts: [foreman.example.com]\n"))) {
            String url = "https://localhost:" + app.port(true) + "/v2/features";
            HttpResponse<String> refused = Http.get(Http.client(tls.pki().clientContext(intruderFirst)), url);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body())
                    .isEqualTo("Untrusted client intruder.example.net attempted to access /v2/features");
            // smart-proxy's https_cert_cn: the first CN of the subject as OpenSSL prints it (encoding order)
            assertThat(Http.get(Http.client(tls.pki().clientContext(foremanFirst)), url).statusCode()).isEqualTo(200);
            assertThat(Http.get(Http.client(tls.pki().clientContext(sanOnly)), url).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutTrustedHosts_httpAnswersOnlyThisHost_trustedHostsLiftsIt() throws Exception {
        NetNs.requireAvailable();
        String v = "vbp" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        try (NetNs ns = NetNs.create("auth")) {
            NetNs.Shell.check("ip", "link", "add", v + "h", "type", "veth", "peer", "name", v + "n", "netns", ns.name());
            try {
                NetNs.Shell.check("ip", "addr", "add", "192.0.2.253/30", "dev", v + "h");
                NetNs.Shell.check("ip", "link", "set", v + "h", "up");
                ns.ip("addr", "add", "192.0.2.254/30", "dev", v + "n");
                ns.ip("link", "set", v + "n", "up");
                // no trusted_hosts: a caller from the network is refused, saying why; this host is not
                try (TestApp app = TestApp.start(dir, tls.yaml("*", tls.server(), ""))) {
                    String remote = "http://192.0.2.253:" + app.port(false);
                    NetNs.Shell.Result r = ns.run(30, "curl", "-sS", "--max-time", "20", "-w", " %{http_code}",
                            remote + "/alpha-admin");
                    assertThat(r.output()).startsWith("Untrusted client 192.0.2.254: without trusted_hosts only "
                            + "callers on this host may use /alpha-admin; set trusted_hosts").endsWith(" 403");
                    assertThat(ns.run(30, "curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w",
                            "%{http_code}", remote + "/v2/features").output()).isEqualTo("403");
                    // public routes stay public
                    assertThat(ns.run(30, "curl", "-sS", "--max-time", "20", remote + "/alpha").output())
                            .isEqualTo("hello");
                    assertThat(Http.get("http://127.0.0.1:" + app.port(false) + "/alpha-admin").body())
                            .isEqualTo("secret");
                    // and the start log says so
                    assertThat(Http.get("http://127.0.0.1:" + app.port(false) + "/logs").body())
                            .contains("trusted_hosts is not set: the protected routes");
                    // the host calling itself on its own network address is still this host
                    assertThat(Http.get(remote + "/alpha-admin").body()).isEqualTo("secret");
                    // TLS client authentication admits callers from the network
                    TestPki.Pem client = tls.pki().client("net-client", "foreman.example.com");
                    int httpsPort = app.port(true);
                    assertThat(ns.run(30, "curl", "-sS", "--max-time", "20", "--cacert", tls.pki().caFile().toString(),
                            "--cert", client.certificateFile().toString(), "--key", client.keyFile().toString(),
                            "--resolve", "localhost:" + httpsPort + ":192.0.2.253",
                            "https://localhost:" + httpsPort + "/alpha-admin").output()).isEqualTo("secret");
                }
                // trusted_hosts set: the network caller is judged by its name like everyone else
                String trusted = "trusted_hosts: [foreman.example.com]\n";
                try (TestApp app = TestApp.start(dir, tls.yaml("*", tls.server(), trusted))) {
                    String remote = "http://192.0.2.253:" + app.port(false);
                    assertThat(ns.run(30, "curl", "-sS", "--max-time", "20", remote + "/alpha-admin").output())
                            .isEqualTo("Untrusted client 192.0.2.254 attempted to access /alpha-admin");
                }
            } finally {
                NetNs.Shell.run(10, "ip", "link", "del", v + "h");
            }
        }
    }
}
