package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bootproxy.core.http.TlsReloader;
import org.bootproxy.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/**
 * {@code systemctl reload} (SIGHUP): the full application with HTTPS on port 0 gets its PEM files
 * replaced in place, as certificate rotation does, and is told to reload them.
 */
class ReloadTest {

    @TempDir
    Path dir;

    private Path certFile;
    private Path keyFile;
    private SSLContext anyTestCa;

    private String yaml(Path caFile, boolean https) {
        return "http_port: 0\nbind_host: 127.0.0.1\n"
                + (https ? "https_port: 0\nssl_certificate: " + certFile + "\nssl_private_key: " + keyFile
                        + "\nssl_ca_file: " + caFile + "\n" : "")
                + "plugins:\n  alpha: {enabled: true}\n"
                + TestApp.QUIET_LOGGING;
    }

    /** Overwrites the live files in place, as Puppet or an ACME client does. */
    private void install(Path cert, Path key) throws IOException {
        Files.copy(cert, certFile, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(key, keyFile, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void reload_swapsInTheNewCertificate_keepsOpenConnections_andRefusesBrokenFilesKeepingTheOld()
            throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Pem a = pki.server("a", TestPki.KeyFormat.RSA_PKCS8, "localhost", "127.0.0.1");
        TestPki.Pem b = pki.server("b", TestPki.KeyFormat.EC_PKCS8, "localhost", "127.0.0.1");
        TestPki.Pem c = pki.server("c", TestPki.KeyFormat.RSA_PKCS1, "localhost", "127.0.0.1");
        TestPki other = TestPki.createOther(Files.createDirectories(dir.resolve("other")));
        TestPki.Pem foreign = other.server("foreign", TestPki.KeyFormat.RSA_PKCS8, "localhost", "127.0.0.1");
        anyTestCa = trusting(pki.caCertificate(), other.caCertificate());
        Path live = Files.createDirectories(dir.resolve("live"));
        certFile = live.resolve("cert.pem");
        keyFile = live.resolve("key.pem");
        Path caFile = live.resolve("ca.pem");
        Files.copy(pki.caFile(), caFile);
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                + "-----END CERTIFICATE-----\n");
        install(a.certificateFile(), a.keyFile());

        try (TestApp app = TestApp.start(dir, yaml(caFile, true))) {
            int port = app.port(true);
            HangupReload reload = app.application().reload();
            try (SSLSocket open = connect(pki, port)) {
                assertThat(presented(open)).isEqualTo(a.certificate());
                assertThat(get(open, "/alpha")).isEqualTo("hello");

                // broken replacements: each refused with a WARN naming the file, A stays in use
                record Broken(String what, Path cert, Path key, String reason) {
                }
                List<Broken> broken = List.of(
                        new Broken("key of another certificate", b.certificateFile(), a.keyFile(),
                                "ssl_private_key " + keyFile + " is not the key of ssl_certificate " + certFile),
                        new Broken("certificate of another CA", foreign.certificateFile(), foreign.keyFile(),
                                "ssl_certificate " + certFile + " (CN=localhost, issued by CN=some other CA) "
                                        + "does not chain to ssl_ca_file " + caFile),
                        new Broken("not PEM", garbage, b.keyFile(),
                                "ssl_certificate " + certFile + " is not a readable PEM file"));
                for (Broken x : broken) {
                    install(x.cert(), x.key());
                    TlsReloader.Outcome outcome = reload.reload();
                    assertThat(outcome).as(x.what()).isInstanceOf(TlsReloader.Refused.class);
                    assertThat(((TlsReloader.Refused) outcome).reason()).as(x.what()).startsWith(x.reason());
                    assertThat(presented(port)).as(x.what()).isEqualTo(a.certificate());
                    assertThat(logs(app, "WARN")).as(x.what()).anyMatch(m -> m.startsWith(
                            "TLS reload refused, the HTTPS listener keeps presenting CN=localhost (serial "
                                    + a.certificate().getSerialNumber().toString(16) + "): " + x.reason()));
                }
                install(b.certificateFile(), b.keyFile());
                Files.delete(keyFile);
                assertThat(reload.reload()).isEqualTo(
                        new TlsReloader.Refused("ssl_private_key " + keyFile + " does not exist"));
                assertThat(presented(port)).isEqualTo(a.certificate());

                // the renewed certificate: new handshakes present it, the open connection goes on
                install(b.certificateFile(), b.keyFile());
                assertThat(reload.reload()).isEqualTo(new TlsReloader.Reloaded(b.certificate()));
                assertThat(presented(port)).isEqualTo(b.certificate());
                assertThat(get(open, "/alpha")).isEqualTo("hello");
                assertThat(presented(open)).isEqualTo(a.certificate());
                assertThat(logs(app, "INFO")).anyMatch(m -> m.startsWith("TLS reloaded from ssl_certificate "
                        + certFile + ": the HTTPS listener now presents CN=localhost, serial "
                        + b.certificate().getSerialNumber().toString(16) + ", SHA-256 ")
                        && m.endsWith(", valid until " + b.certificate().getNotAfter().toInstant()));

                // the CA renewed too: ssl_ca_file is re-read, client certificates are checked against it
                TestPki.Pem otherClient = other.client("other-client", "foreman.example.com");
                Files.copy(other.caFile(), caFile, StandardCopyOption.REPLACE_EXISTING);
                install(foreign.certificateFile(), foreign.keyFile());
                assertThat(reload.reload()).isEqualTo(new TlsReloader.Reloaded(foreign.certificate()));
                assertThat(Http.get(Http.client(other.clientContext(otherClient)),
                        "https://localhost:" + port + "/v2/features").statusCode()).isEqualTo(200);
                Files.copy(pki.caFile(), caFile, StandardCopyOption.REPLACE_EXISTING);

                // through the signal itself: raised in this JVM only while bootproxy's handler is
                // installed (the JVM's own would run the shutdown hooks and end the test run)
                assumeFalse(hupIgnoredAtStart(), "SIGHUP is ignored in this JVM (started under nohup?)");
                assertThat(reload.listening()).isTrue();
                install(c.certificateFile(), c.keyFile());
                Signal.raise(new Signal("HUP"));
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!presented(port).equals(c.certificate()) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(presented(port)).isEqualTo(c.certificate());
                assertThat(get(open, "/alpha")).isEqualTo("hello");
            }
        }
    }

    @Test
    void reload_withoutHttps_logsThatThereIsNothingToReload_andKeepsRunning() throws Exception {
        certFile = dir.resolve("unused.pem");
        keyFile = dir.resolve("unused-key.pem");
        try (TestApp app = TestApp.start(dir, yaml(dir.resolve("unused-ca.pem"), false))) {
            HangupReload reload = app.application().reload();
            assertThat(reload.reload()).isInstanceOf(TlsReloader.NothingToReload.class);
            assertThat(logs(app, "INFO")).anyMatch(m -> m.startsWith("Reload: nothing to reload (no HTTPS listener"));
            assumeFalse(hupIgnoredAtStart(), "SIGHUP is ignored in this JVM (started under nohup?)");
            assertThat(reload.listening()).isTrue();
            int before = logs(app, "INFO").size();
            Signal.raise(new Signal("HUP"));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (logs(app, "INFO").size() == before && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(logs(app, "INFO").subList(before, logs(app, "INFO").size()))
                    .anyMatch(m -> m.startsWith("Reload: nothing to reload"));
            assertThat(Http.get("http://127.0.0.1:" + app.port(false) + "/alpha").body()).isEqualTo("hello");
        }
    }

    /**
     * Whether this JVM was started with SIGHUP ignored ({@code nohup}): then the JVM refuses to
     * handle it and no handler can be installed. Otherwise bootproxy's must be, and raising the
     * signal here is safe only because it is (the JVM's own would exit).
     */
    static boolean hupIgnoredAtStart() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & 1L) != 0;   // bit 0: signal 1, HUP
            }
        }
        throw new IOException("no SigIgn in /proc/self/status");
    }

    /** The messages of one level in {@code /logs}, oldest first. */
    private static List<String> logs(TestApp app, String level) throws Exception {
        JsonNode root = new ObjectMapper().readTree(
                Http.get("http://127.0.0.1:" + app.port(false) + "/logs").body());
        List<String> out = new ArrayList<>();
        for (JsonNode e : root.get("logs")) {
            if (level.equals(e.get("level").asText())) {
                out.add(e.get("message").asText());
            }
        }
        return out;
    }

    private static SSLSocket connect(TestPki pki, int port) throws IOException {
        SSLSocket s = (SSLSocket) pki.trustingContext().getSocketFactory().createSocket("localhost", port);
        s.setSoTimeout(20_000);
        s.startHandshake();
        return s;
    }

    /** The certificate a new handshake presents; the client trusts every CA of the test. */
    private X509Certificate presented(int port) throws IOException {
        try (SSLSocket s = (SSLSocket) anyTestCa.getSocketFactory().createSocket("localhost", port)) {
            s.setSoTimeout(20_000);
            s.startHandshake();
            return presented(s);
        }
    }

    private static SSLContext trusting(X509Certificate... cas) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (X509Certificate ca : cas) {
            trust.setCertificateEntry("ca-" + ca.getSerialNumber(), ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static X509Certificate presented(SSLSocket s) throws IOException {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    /** One keep-alive HTTP/1.1 GET on an open connection; the body of a 200 answer. */
    private static String get(SSLSocket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String status = line(in);
        assertThat(status).startsWith("HTTP/1.1 200");
        int length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(n));
                line(in);
            }
            line(in);
        } else {
            assertThat(length).as("Content-Length").isNotNegative();
            body.write(in.readNBytes(length));
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int ch = in.read(); ch != '\n'; ch = in.read()) {
            if (ch < 0) {
                throw new IOException("connection closed after " + b);
            }
            if (ch != '\r') {
                b.append((char) ch);
            }
        }
        return b.toString();
    }
}
