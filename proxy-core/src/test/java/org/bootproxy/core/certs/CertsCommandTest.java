package org.bootproxy.core.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandTest {

    @TempDir
    Path dir;

    private Path config;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("bootproxy.yml");
        Files.writeString(config, """
                http_port: 8000
                https_port: 8443
                bind_host: 192.0.2.1
                ssl_certificate: %1$s/tls/server.pem
                ssl_private_key: %1$s/tls/private/server-key.pem
                ssl_ca_file: %1$s/tls/ca.pem
                plugins:
                  tftp:
                    enabled: true
                """.formatted(dir));
    }

    /** Runs {@code bootproxy <args>} through Dropwizard's real command-line parser. */
    private Optional<Throwable> bootproxy(String... args) {
        out.reset();
        err.reset();
        Bootstrap<Configuration> bootstrap = new Bootstrap<>(new Application<>() {
            @Override
            public void run(Configuration configuration, Environment environment) {
            }
        });
        bootstrap.addCommand(new CertsCommand());
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream original = System.out;
        System.setOut(stdout);
        try {
            return new Cli(new JarLocation(getClass()), bootstrap, stdout,
                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        } finally {
            System.setOut(original);
        }
    }

    private Path tls(String name) {
        return dir.resolve("tls").resolve(name);
    }

    @Test
    void certs_writesCaServerCertKeysAndEslAtTheConfiguredPaths() throws Exception {
        assertThat(bootproxy("certs", "--name", "proxy.example.com", "--ip", "192.0.2.1", "--ip", "2001:db8::1",
                config.toString())).as(err.toString()).isEmpty();

        X509Certificate ca = Pki.readCertificate(tls("ca.pem"));
        X509Certificate server = Pki.readCertificate(tls("server.pem"));
        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        server.verify(ca.getPublicKey());
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(server.getKeyUsage()[2]).as("keyEncipherment, for RSA key exchange").isTrue();
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=proxy.example.com");
        assertThat(server.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .containsExactly("proxy.example.com", "192.0.2.1", "2001:db8:0:0:0:0:0:1");

        assertThat(mode(tls("private/server-key.pem"))).isEqualTo("rw-------");
        assertThat(mode(tls("ca-key.pem"))).isEqualTo("rw-------");
        assertThat(mode(tls("server.pem"))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(tls("private/server-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Pki.readPrivateKey(tls("ca-key.pem")).getAlgorithm()).isEqualTo("RSA");
        assertThat(Files.list(tls(""))).noneMatch(p -> p.getFileName().toString().startsWith(".bootproxy-tmp"));

        byte[] esl = Files.readAllBytes(tls("ca.esl"));
        ByteBuffer b = ByteBuffer.wrap(esl).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(EfiSignatureList.guidAt(esl, 0)).isEqualTo(EfiSignatureList.EFI_CERT_X509_GUID);
        assertThat(b.getInt(16)).isEqualTo(esl.length);
        assertThat(b.getInt(20)).isZero();
        assertThat(b.getInt(24)).isEqualTo(16 + ca.getEncoded().length);
        assertThat(Arrays.copyOfRange(esl, 44, esl.length)).isEqualTo(ca.getEncoded());

        assertThat(out.toString()).contains("-fw_cfg name=etc/edk2/https/cacerts,file=" + tls("ca.esl").toAbsolutePath());
    }

    @Test
    void certs_withoutNames_usesTheHostNameAndALiteralBindHost() throws Exception {
        assertThat(bootproxy("certs", config.toString())).as(err.toString()).isEmpty();
        X509Certificate server = Pki.readCertificate(tls("server.pem"));
        assertThat(server.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .containsExactly(InetAddress.getLocalHost().getCanonicalHostName(), "192.0.2.1");
    }

    @Test
    void certs_secondRun_refusesAndLeavesEveryFileAlone() throws Exception {
        assertThat(bootproxy("certs", "--name", "a.example", config.toString())).isEmpty();
        List<byte[]> before = contents();

        Optional<Throwable> second = bootproxy("certs", "--name", "b.example", config.toString());

        assertThat(second).isPresent();
        assertThat(err.toString()).contains(tls("server.pem") + " exists; nothing was written");
        assertThat(contents()).usingRecursiveComparison().isEqualTo(before);
    }

    @Test
    void certs_force_reissuesTheServerCertificateAndKeepsTheCa() throws Exception {
        assertThat(bootproxy("certs", "--name", "a.example", config.toString())).isEmpty();
        byte[] ca = Files.readAllBytes(tls("ca.pem"));
        byte[] caKey = Files.readAllBytes(tls("ca-key.pem"));
        byte[] server = Files.readAllBytes(tls("server.pem"));

        assertThat(bootproxy("certs", "--force", "--name", "b.example", config.toString())).as(err.toString()).isEmpty();

        assertThat(Files.readAllBytes(tls("ca.pem"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(tls("ca-key.pem"))).isEqualTo(caKey);
        assertThat(Files.readAllBytes(tls("server.pem"))).isNotEqualTo(server);
        X509Certificate reissued = Pki.readCertificate(tls("server.pem"));
        reissued.verify(Pki.readCertificate(tls("ca.pem")).getPublicKey());
        assertThat(reissued.getSubjectX500Principal().getName()).isEqualTo("CN=b.example");
        assertThat(out.toString()).contains("kept CA");
    }

    @Test
    void certs_newCa_needsForceAndThenReplacesTheCa() throws Exception {
        assertThat(bootproxy("certs", "--name", "a.example", config.toString())).isEmpty();
        byte[] ca = Files.readAllBytes(tls("ca.pem"));

        assertThat(bootproxy("certs", "--new-ca", "--name", "a.example", config.toString())).isPresent();
        assertThat(Files.readAllBytes(tls("ca.pem"))).isEqualTo(ca);

        assertThat(bootproxy("certs", "--new-ca", "--force", "--name", "a.example", config.toString())).isEmpty();
        assertThat(Files.readAllBytes(tls("ca.pem"))).isNotEqualTo(ca);
        Pki.readCertificate(tls("server.pem")).verify(Pki.readCertificate(tls("ca.pem")).getPublicKey());
    }

    @Test
    void certs_caKeyOfAnotherCa_isRefused() throws Exception {
        assertThat(bootproxy("certs", "--name", "a.example", config.toString())).isEmpty();
        Files.delete(tls("server.pem"));
        Files.delete(tls("private/server-key.pem"));
        Files.delete(tls("ca.esl"));
        Files.writeString(tls("ca-key.pem"), Pki.pem(Pki.rsaKeyPair(2048).getPrivate()));

        assertThat(bootproxy("certs", "--name", "a.example", config.toString())).isPresent();
        assertThat(err.toString()).contains(tls("ca-key.pem") + " is not the key of " + tls("ca.pem"));
        assertThat(tls("server.pem")).doesNotExist();
    }

    @Test
    void certs_clientForAnExistingCaAndServer_writesOnlyTheClientCertificate() throws Exception {
        assertThat(bootproxy("certs", "--name", "a.example", config.toString())).as(err.toString()).isEmpty();
        byte[] serverCert = Files.readAllBytes(tls("server.pem"));
        byte[] serverKey = Files.readAllBytes(tls("private/server-key.pem"));
        byte[] ca = Files.readAllBytes(tls("ca.pem"));
        byte[] esl = Files.readAllBytes(tls("ca.esl"));

        // no --force needed: nothing that exists is replaced
        assertThat(bootproxy("certs", "--client", "foreman.example.com", config.toString())).as(err.toString()).isEmpty();
        assertThat(out.toString()).contains("kept server cert").contains("wrote client cert");
        assertThat(Files.readAllBytes(tls("server.pem"))).isEqualTo(serverCert);
        assertThat(Files.readAllBytes(tls("private/server-key.pem"))).isEqualTo(serverKey);
        assertThat(Files.readAllBytes(tls("ca.pem"))).isEqualTo(ca);
        assertThat(Files.readAllBytes(tls("ca.esl"))).isEqualTo(esl);
        X509Certificate client = Pki.readCertificate(tls("client-foreman.example.com.pem"));
        client.verify(Pki.readCertificate(tls("ca.pem")).getPublicKey());

        // a second client, and the same one again only with --force
        assertThat(bootproxy("certs", "--client", "foreman2.example.com", config.toString())).isEmpty();
        assertThat(tls("client-foreman2.example.com.pem")).exists();
        assertThat(bootproxy("certs", "--client", "foreman.example.com", config.toString())).isPresent();
        assertThat(err.toString()).contains("client-foreman.example.com.pem exists");
        assertThat(Files.readAllBytes(tls("server.pem"))).isEqualTo(serverCert);
    }

    @Test
    void certs_client_issuesAClientCertificateSignedByTheCa() throws Exception {
        assertThat(bootproxy("certs", "--name", "a.example", "--client", "foreman.example.com", config.toString()))
                .as(err.toString()).isEmpty();
        X509Certificate client = Pki.readCertificate(tls("client-foreman.example.com.pem"));
        client.verify(Pki.readCertificate(tls("ca.pem")).getPublicKey());
        assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=foreman.example.com");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(mode(tls("client-foreman.example.com-key.pem"))).isEqualTo("rw-------");

        assertThat(bootproxy("certs", "--force", "--name", "a.example", "--client", "../evil", config.toString()))
                .isPresent();
        assertThat(err.toString()).contains("--client ../evil is not a host name");
    }

    @Test
    void certs_withoutConfigOrPaths_namesTheMissingOption() {
        assertThat(bootproxy("certs", "--name", "a.example")).isPresent();
        assertThat(err.toString()).contains("--cert is required: no configuration file given");
    }

    @Test
    void certs_badIp_isNamed() {
        assertThat(bootproxy("certs", "--ip", "192.0.2.300x", config.toString())).isPresent();
        assertThat(err.toString()).contains("--ip 192.0.2.300x is not an IP address");
        assertThat(tls("ca.pem")).doesNotExist();
    }

    @Test
    void certs_optionsOverrideTheConfig() throws Exception {
        Path other = dir.resolve("other");
        assertThat(bootproxy("certs", "--name", "a.example", "--cert", other + "/s.crt", "--key", other + "/s.key",
                "--ca", other + "/root.crt", "--owner-guid", "11223344-5566-7788-99aa-bbccddeeff00")).isEmpty();
        assertThat(other.resolve("root-key.pem")).exists();
        assertThat(EfiSignatureList.guidAt(Files.readAllBytes(other.resolve("root.esl")), 28))
                .hasToString("11223344-5566-7788-99aa-bbccddeeff00");
    }

    /**
     * What UEFI firmware needs, checked with the JDK's TLS: a TLS 1.2 handshake with the RSA
     * key-exchange suite only, the client trusting nothing but the written CA.
     */
    @Test
    void certs_serverCertificate_completesAnRsaKeyExchangeHandshake() throws Exception {
        assertThat(bootproxy("certs", "--name", "localhost", "--ip", "127.0.0.1", config.toString())).isEmpty();
        PrivateKey key = Pki.readPrivateKey(tls("private/server-key.pem"));
        X509Certificate cert = Pki.readCertificate(tls("server.pem"));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("s", key, "x".toCharArray(), new Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, "x".toCharArray());
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", Pki.readCertificate(tls("ca.pem")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext clientCtx = SSLContext.getInstance("TLS");
        clientCtx.init(null, tmf.getTrustManagers(), null);

        String suite = "TLS_RSA_WITH_AES_256_GCM_SHA384";
        try (SSLServerSocket ss = (SSLServerSocket) serverCtx.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ss.setEnabledProtocols(new String[] {"TLSv1.2"});
            ss.setEnabledCipherSuites(new String[] {suite});
            CompletableFuture<Void> accept = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.getOutputStream().write(1);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (SSLSocket c = (SSLSocket) clientCtx.getSocketFactory().createSocket("127.0.0.1", ss.getLocalPort())) {
                c.setEnabledProtocols(new String[] {"TLSv1.2"});
                c.setEnabledCipherSuites(new String[] {suite});
                var params = c.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                c.setSSLParameters(params);
                assertThat(c.getInputStream().read()).isEqualTo(1);
                assertThat(c.getSession().getCipherSuite()).isEqualTo(suite);
            }
            accept.get(10, TimeUnit.SECONDS);
        }
    }

    private List<byte[]> contents() throws Exception {
        List<byte[]> l = new ArrayList<>();
        for (String f : List.of("ca.pem", "ca-key.pem", "server.pem", "private/server-key.pem", "ca.esl")) {
            l.add(Files.readAllBytes(tls(f)));
        }
        return l;
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
