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
            assertThat(logs).contains("\"alpha\":\"invalid configuration: plugins.alpha.level must be less than or equal to 10 (value: 99)\"");
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

    @Test
    void invalidTopLevelValue_namesTheYamlKeyAndTheValue() throws Exception {
        Throwable t = TestApp.startFailure(dir, "http_port: 70000\n" + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("http_port must be less than or equal to 65535 (value: 70000)")
                .doesNotContain("httpPort");
    }

    @Test
    void invalidPluginValue_namesTheYamlKeyNotTheJavaField() throws Exception {
        try (TestApp app = TestApp.start(dir, "http_port: 0\nbind_host: 127.0.0.1\nplugins:\n"
                + "  alpha: {enabled: true, max_greetings: 0}\n" + TestApp.QUIET_LOGGING)) {
            String logs = Http.get("http://127.0.0.1:" + app.port(false) + "/logs").body();
            assertThat(logs).contains("plugins.alpha.max_greetings must be greater than or equal to 1 (value: 0)")
                    .doesNotContain("maxGreetings");
        }
    }

    @Test
    void confD_overlaysTheMainFile_andTheStartLogListsTheFilesRead() throws Exception {
        Path confD = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(confD.resolve("10-alpha.yml"), "plugins:\n  alpha:\n    greeting: from-conf-d\n");
        Files.writeString(confD.resolve("20-alpha.yml"), "plugins:\n  alpha:\n    greeting: from-later-file\n");
        try (TestApp app = TestApp.start(dir, "http_port: 0\nbind_host: 127.0.0.1\nplugins:\n"
                + "  alpha: {enabled: true, greeting: from-main}\n" + TestApp.QUIET_LOGGING)) {
            assertThat(Http.get("http://127.0.0.1:" + app.port(false) + "/alpha").body()).isEqualTo("from-later-file");
            String logs = Http.get("http://127.0.0.1:" + app.port(false) + "/logs").body();
            assertThat(logs).contains("Configuration read from ").contains(confD.resolve("10-alpha.yml").toString())
                    .contains(confD.resolve("20-alpha.yml").toString());
        }
    }

    @Test
    void privateKeyOfAnotherCertificate_isRefusedAtStart() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Pem srv = pki.server("s", TestPki.KeyFormat.RSA_PKCS8, "localhost");
        TestPki.Pem other = pki.server("o", TestPki.KeyFormat.RSA_PKCS1, "other");
        Throwable t = TestApp.startFailure(dir, "https_port: 0\nbind_host: 127.0.0.1\nssl_certificate: "
                + srv.certificateFile() + "\nssl_private_key: " + other.keyFile() + "\nssl_ca_file: " + pki.caFile()
                + "\n" + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("ssl_private_key " + other.keyFile() + " is not the key of ssl_certificate "
                + srv.certificateFile());
    }

    @Test
    void certificateOfAnotherCa_isRefusedAtStart() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki other = TestPki.createOther(Files.createDirectories(dir.resolve("other")));
        TestPki.Pem srv = other.server("s", TestPki.KeyFormat.EC_PKCS8, "localhost");
        Throwable t = TestApp.startFailure(dir, "https_port: 0\nbind_host: 127.0.0.1\nssl_certificate: "
                + srv.certificateFile() + "\nssl_private_key: " + srv.keyFile() + "\nssl_ca_file: " + pki.caFile()
                + "\n" + TestApp.QUIET_LOGGING);
        assertThat(messages(t)).contains("ssl_certificate " + srv.certificateFile())
                .contains("does not chain to ssl_ca_file " + pki.caFile());
    }
}
