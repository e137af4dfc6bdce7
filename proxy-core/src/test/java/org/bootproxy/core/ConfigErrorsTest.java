package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bootproxy.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration fails fast with one message naming the key or file. */
class ConfigErrorsTest {

    @TempDir
    Path dir;

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void unknownTopLevelKey_isNamed() throws Exception {
        Throwable t = TestApp.startFailure(dir, "http_port: 0\nhttp_prot: 8000\n" + TestApp.QUIET_LOGGING);
        assertThat(t).isNotNull();
        assertThat(messages(t)).contains("Unrecognized field at: http_prot").contains("http_port");
    }

    @Test
    void unknownKeyInPluginSection_isNamedWithItsPath() throws Exception {
        Throwable t = TestApp.startFailure(dir, "http_port: 0\nplugins:\n  alpha:\n    enabled: true\n    greting: x\n"
                + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("Unrecognized field at: plugins.alpha.greting").contains("greeting");
    }

    @Test
    void sectionForAPluginNotInstalled_isNamed() throws Exception {
        Throwable t = TestApp.startFailure(dir, "http_port: 0\nplugins:\n  tfpt:\n    enabled: true\n"
                + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("Unrecognized field at: plugins.tfpt");
    }

    @Test
    void enabledMaybe_isRefusedNamingTheValue() throws Exception {
        Throwable t = TestApp.startFailure(dir, "http_port: 0\nplugins:\n  alpha:\n    enabled: maybe\n"
                + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("plugins.alpha.enabled").contains("'maybe' is not one of true, false, http, https");
    }

    @Test
    void invalidPluginValue_failsOnlyThatPlugin() throws Exception {
        try (TestApp app = TestApp.start(dir, "http_port: 0\nbind_host: 127.0.0.1\nplugins:\n"
                + "  alpha: {enabled: true, level: 99}\n  quiet: {enabled: true}\n" + TestApp.QUIET_LOGGING)) {
            String logs = Http.get("http://127.0.0.1:" + app.port(false) + "/logs").body();
            assertThat(logs).contains("\"alpha\":\"invalid configuration: plugins.alpha.level must be less than or equal to 10\"");
            assertThat(Http.get("http://127.0.0.1:" + app.port(false) + "/quiet").body()).isEqualTo("quiet");
        }
    }

    @Test
    void missingPemFile_isNamed() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Pem srv = pki.server("s", TestPki.KeyFormat.RSA_PKCS8, "localhost");
        Throwable t = TestApp.startFailure(dir, "https_port: 0\nssl_certificate: " + srv.certificateFile()
                + "\nssl_private_key: " + dir.resolve("nope.pem") + "\nssl_ca_file: " + pki.caFile() + "\n"
                + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("ssl_private_key " + dir.resolve("nope.pem") + " does not exist");
    }

    @Test
    void unreadablePemFile_isNamed() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Pem srv = pki.server("s", TestPki.KeyFormat.RSA_PKCS8, "localhost");
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        Throwable t = TestApp.startFailure(dir, "https_port: 0\nssl_certificate: " + garbage
                + "\nssl_private_key: " + srv.keyFile() + "\nssl_ca_file: " + pki.caFile() + "\n"
                + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("ssl_certificate " + garbage);
        if (!"root".equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(srv.keyFile(), PosixFilePermissions.fromString("---------"));
            Throwable t2 = TestApp.startFailure(dir, "https_port: 0\nssl_certificate: " + srv.certificateFile()
                    + "\nssl_private_key: " + srv.keyFile() + "\nssl_ca_file: " + pki.caFile() + "\n"
                    + TestApp.QUIET_LOGGING);
            assertThat(messages(t2)).contains("ssl_private_key " + srv.keyFile() + " is not readable");
        }
    }

    @Test
    void httpsPortWithoutPemFiles_isNamed() throws Exception {
        Throwable t = TestApp.startFailure(dir, "https_port: 0\n" + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("https_port is set but ssl_certificate, ssl_private_key and ssl_ca_file");
    }

    @Test
    void noListener_isRefused() throws Exception {
        Throwable t = TestApp.startFailure(dir, "bind_host: 127.0.0.1\n" + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("no listener: set http_port and/or https_port");
    }

    @Test
    void portInUse_namesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Throwable t = TestApp.startFailure(dir, "http_port: " + port + "\nbind_host: 127.0.0.1\n"
                    + TestApp.QUIET_LOGGING);
            assertThat(messages(t)).contains(String.valueOf(port));
        }
    }
}
