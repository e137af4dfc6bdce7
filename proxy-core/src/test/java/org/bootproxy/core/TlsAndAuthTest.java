package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bootproxy.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from PEM files, client certificates and trusted_hosts, with a CA, server and client
 * certificates made in the test.
 */
class TlsAndAuthTest {

    @TempDir
    static Path dir;
    static TlsSetup tls;

    @BeforeAll
    static void pki() {
        tls = TlsSetup.create(dir);
    }

    @Test
    void https_withoutClientCertificate_publicOk_protected403() throws Exception {
        try (TestApp app = TestApp.start(dir, tls.yaml(""))) {
            HttpClient c = Http.client(tls.pki().trustingContext());
            String base = "https://localhost:" + app.port(true);
            assertThat(Http.get(c, base + "/features").statusCode()).isEqualTo(200);
            assertThat(Http.get(c, base + "/version").statusCode()).isEqualTo(200);
            assertThat(Http.get(c, base + "/alpha").body()).isEqualTo("hello");
            // a plugin's Jetty handler sees the TLS attributes the servlet layer would have given
            assertThat(Http.get(c, base + "/alpha-fast/tls").body()).startsWith("TLS_");
            for (String path : new String[] {"/v2/features", "/logs", "/alpha-admin"}) {
                HttpResponse<String> r = Http.get(c, base + path);
                assertThat(r.statusCode()).as(path).isEqualTo(403);
                assertThat(r.body()).as(path).isEqualTo("No client SSL certificate supplied");
            }
        }
    }

    @Test
    void https_anyValidClientCertificate_withoutTrustedHosts() throws Exception {
        TestPki.Pem client = tls.pki().client("any-client", "whoever.example.com");
        try (TestApp app = TestApp.start(dir, tls.yaml(""))) {
            HttpClient c = Http.client(tls.pki().clientContext(client));
            HttpResponse<String> r = Http.get(c, "https://localhost:" + app.port(true) + "/v2/features");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"alpha\"");
        }
    }

    @Test
    void trustedHosts_trustedCnPasses_untrustedCnIs403() throws Exception {
        TestPki.Pem trusted = tls.pki().client("trusted", "foreman.example.com");
        TestPki.Pem untrusted = tls.pki().client("untrusted", "evil.example.com");
        try (TestApp app = TestApp.start(dir, tls.yaml("trusted_hosts: [Foreman.Example.com]\n"))) {
            String base = "https://localhost:" + app.port(true);
            assertThat(Http.get(Http.client(tls.pki().clientContext(trusted)), base + "/v2/features").statusCode())
                    .isEqualTo(200);
            HttpResponse<String> r = Http.get(Http.client(tls.pki().clientContext(untrusted)), base + "/v2/features");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).isEqualTo("Untrusted client evil.example.com attempted to access /v2/features");
            // on HTTP the identity is the peer's reverse-DNS name (localhost here), not in the list
            HttpResponse<String> h = Http.get("http://127.0.0.1:" + app.port(false) + "/alpha-admin");
            assertThat(h.statusCode()).isEqualTo(403);
            assertThat(h.body()).startsWith("Untrusted client ").endsWith(" attempted to access /alpha-admin");
            // public routes stay public
            assertThat(Http.get("http://127.0.0.1:" + app.port(false) + "/alpha").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void emptyTrustedHosts_deniesEveryone() throws Exception {
        TestPki.Pem client = tls.pki().client("someone", "foreman.example.com");
        try (TestApp app = TestApp.start(dir, tls.yaml("trusted_hosts: []\n"))) {
            HttpResponse<String> r = Http.get(Http.client(tls.pki().clientContext(client)),
                    "https://localhost:" + app.port(true) + "/v2/features");
            assertThat(r.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void clientCertificateFromAnotherCa_isNeverAuthorized() throws Exception {
        Path otherDir = java.nio.file.Files.createDirectories(dir.resolve("other"));
        TestPki other = TestPki.createOther(otherDir);
        TestPki.Pem stranger = other.client("stranger", "foreman.example.com");
        try (TestApp app = TestApp.start(dir, tls.yaml(""))) {
            SSLContext ctx = tls.pki().clientContext(stranger);
            // the client either cannot present it (the server names its CA) or the handshake fails
            try {
                HttpResponse<String> r = Http.get(Http.client(ctx), "https://localhost:" + app.port(true)
                        + "/v2/features");
                assertThat(r.statusCode()).isEqualTo(403);
                assertThat(r.body()).isEqualTo("No client SSL certificate supplied");
            } catch (IOException expected) {
                // handshake refused
            }
        }
    }

    @Test
    void pluginEnabledOnHttpOnly_is404OnHttps() throws Exception {
        TestPki.Pem client = tls.pki().client("c2", "foreman.example.com");
        try (TestApp app = TestApp.start(dir, tls.yaml(""))) {
            HttpResponse<String> s = Http.get(Http.client(tls.pki().clientContext(client)),
                    "https://localhost:" + app.port(true) + "/quiet");
            assertThat(s.statusCode()).isEqualTo(404);
            assertThat(s.body()).isEqualTo("Requested url was not found");
            assertThat(Http.get("http://127.0.0.1:" + app.port(false) + "/quiet").body()).isEqualTo("quiet");
            String features = Http.get(Http.client(tls.pki().clientContext(client)),
                    "https://localhost:" + app.port(true) + "/v2/features").body();
            assertThat(features).contains("\"quiet\":{\"http_enabled\":true,\"https_enabled\":false");
        }
    }

    @Test
    void ecKeyAndPkcs1RsaKey_bothLoad() throws Exception {
        for (TestPki.KeyFormat f : TestPki.KeyFormat.values()) {
            TestPki.Pem srv = tls.pki().server("srv-" + f, f, "localhost", "127.0.0.1");
            try (TestApp app = TestApp.start(dir, tls.yaml("127.0.0.1", srv, ""))) {
                HttpResponse<String> r = Http.get(Http.client(tls.pki().trustingContext()),
                        "https://localhost:" + app.port(true) + "/features");
                assertThat(r.statusCode()).as(f.name()).isEqualTo(200);
            }
        }
    }

    @Test
    void tls12RsaKeyExchange_offeredForFirmware_andSwitchRemovesIt() throws Exception {
        String suite = "TLS_RSA_WITH_AES_256_GCM_SHA384";
        try (TestApp app = TestApp.start(dir, tls.yaml(""))) {
            assertThat(handshake(app.port(true), "TLSv1.2", suite)).isEqualTo(suite);
            // a modern client still gets forward secrecy first
            assertThat(handshake(app.port(true), "TLSv1.2", null)).startsWith("TLS_ECDHE_");
        }
        try (TestApp app = TestApp.start(dir, tls.yaml("tls_rsa_key_exchange: false\n"))) {
            assertThatThrownBy(() -> handshake(app.port(true), "TLSv1.2", suite)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void tls11_isRefused() throws Exception {
        try (TestApp app = TestApp.start(dir, tls.yaml(""))) {
            assertThatThrownBy(() -> handshake(app.port(true), "TLSv1.1", null)).isInstanceOf(Exception.class);
        }
    }

    private static String handshake(int port, String protocol, String suite) throws Exception {
        SSLContext ctx = tls.pki().trustingContext();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {protocol});
            if (suite != null) {
                p.setCipherSuites(new String[] {suite});
            }
            s.setSSLParameters(p);
            s.setSoTimeout(10_000);
            s.startHandshake();
            return s.getSession().getCipherSuite();
        }
    }
}
