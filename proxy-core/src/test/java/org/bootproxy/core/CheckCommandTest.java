package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.bootproxy.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bootproxy check}: a table of broken configurations, each refused naming its key and value. */
class CheckCommandTest {

    @TempDir
    Path dir;

    private TestPki pki;
    private TestPki.Pem server;

    private static final String ADMIN = "server:\n  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]\n";

    /** What the command printed and whether it succeeded. */
    private record Outcome(boolean ok, String output) {
    }

    @BeforeEach
    void pki() {
        pki = TestPki.create(dir);
        server = pki.server("server", TestPki.KeyFormat.RSA_PKCS8, "localhost");
    }

    private Outcome check(String yaml) throws Exception {
        Path file = dir.resolve("bootproxy.yml");
        Files.writeString(file, yaml);
        BootproxyApplication app = new BootproxyApplication();
        Bootstrap<BootproxyConfiguration> bootstrap = new Bootstrap<>(app);
        app.addDefaultCommands(bootstrap);
        app.initialize(bootstrap);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Optional<Throwable> failure = new Cli(new JarLocation(getClass()), bootstrap, out, err)
                .run("check", file.toString());
        return new Outcome(failure.isEmpty(), out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    private String https(Path cert, Path key, Path ca) {
        return "https_port: 0\nbind_host: 127.0.0.1\nssl_certificate: " + cert + "\nssl_private_key: " + key
                + "\nssl_ca_file: " + ca + "\n" + ADMIN;
    }

    private void refused(String yaml, String... expected) throws Exception {
        Outcome o = check(yaml);
        assertThat(o.ok()).as("exit status of check for:\n%s\noutput:\n%s", yaml, o.output()).isFalse();
        for (String e : expected) {
            assertThat(o.output()).contains(e);
        }
    }

    @Test
    void aConfigurationThatStarts_passes() throws Exception {
        Outcome o = check("http_port: 0\n" + https(server.certificateFile(), server.keyFile(), pki.caFile())
                + "plugins:\n  alpha: {enabled: true}\n");
        assertThat(o.ok()).as(o.output()).isTrue();
        assertThat(o.output()).isEmpty();
    }

    @Test
    void unknownKeysAndBadValues_areRefusedNamingTheKey() throws Exception {
        refused("http_prot: 8000\n" + ADMIN, "Unrecognized field at: http_prot", "http_port");
        refused("http_port: 70000\n" + ADMIN, "http_port must be less than or equal to 65535 (value: 70000)");
        refused("http_port: 0\n" + ADMIN + "plugins:\n  alpha: {enabled: true, level: 99}\n",
                "plugins.alpha.level must be less than or equal to 10 (value: 99)");
        refused("http_port: 0\n" + ADMIN + "plugins:\n  alpha: {enabled: maybe}\n", "plugins.alpha.enabled", "maybe");
        refused("https_port: 0\n" + ADMIN, "https_port is set but ssl_certificate, ssl_private_key and ssl_ca_file");
    }

    @Test
    void missingFiles_andAMalformedOverlay_areNamed() throws Exception {
        Path nope = dir.resolve("nope.pem");
        refused(https(server.certificateFile(), nope, pki.caFile()), "ssl_private_key " + nope + " does not exist");
        Path bad = Files.createDirectories(dir.resolve("conf.d")).resolve("10-broken.yml");
        Files.writeString(bad, "plugins: {alpha: {enabled: true\n");
        refused("http_port: 0\n" + ADMIN, bad.toString(), "Malformed YAML");
    }

    @Test
    void certificateProblems_areNamed() throws Exception {
        TestPki.Pem other = pki.server("other", TestPki.KeyFormat.EC_PKCS8, "other");
        refused(https(server.certificateFile(), other.keyFile(), pki.caFile()),
                "ssl_private_key " + other.keyFile() + " is not the key of ssl_certificate " + server.certificateFile());
        TestPki otherCa = TestPki.createOther(Files.createDirectories(dir.resolve("other-ca")));
        TestPki.Pem foreign = otherCa.server("foreign", TestPki.KeyFormat.RSA_PKCS1, "localhost");
        refused(https(foreign.certificateFile(), foreign.keyFile(), pki.caFile()),
                "ssl_certificate " + foreign.certificateFile(), "does not chain to ssl_ca_file " + pki.caFile());
    }

    @Test
    void portsInUse_areNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            refused("http_port: " + port + "\nbind_host: 127.0.0.1\n" + ADMIN,
                    "http_port " + port + " cannot be bound on 127.0.0.1: address already in use");
            refused("http_port: 0\nbind_host: 127.0.0.1\nserver:\n  adminConnectors: [{type: http, port: " + port
                    + "}]\n", "server.adminConnectors[0].port " + port + " cannot be bound on 127.0.0.1");
        }
    }

    @Test
    void aPluginsOwnCheck_isAsked_andOnlyWhenItIsEnabled() throws Exception {
        refused("http_port: 0\n" + ADMIN + "plugins:\n  alpha: {enabled: true, greeting: unreachable}\n",
                "plugins.alpha.greeting unreachable cannot be reached");
        assertThat(check("http_port: 0\n" + ADMIN + "plugins:\n  alpha: {enabled: false, greeting: unreachable}\n")
                .ok()).isTrue();
    }
}
