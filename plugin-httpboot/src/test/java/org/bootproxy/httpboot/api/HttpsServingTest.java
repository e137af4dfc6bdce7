package org.bootproxy.httpboot.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLSocket;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.httpboot.Curl;
import org.bootproxy.httpboot.TestTree;
import org.bootproxy.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTPS Boot: firmware presents no client certificate, and httpboot is public, so files are
 * served over the HTTPS listener to a client without one (while protected routes are not).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class HttpsServingTest {

    static final Path PKI_DIR;
    static final TestPki PKI;
    static final TestPki.Pem SERVER;
    static final TestTree TREE;

    static {
        try {
            PKI_DIR = Files.createTempDirectory("httpboot-pki");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        PKI = TestPki.create(PKI_DIR);
        SERVER = PKI.server("server", TestPki.KeyFormat.RSA_PKCS8, "localhost", "127.0.0.1");
        TREE = new TestTree("https_port: 0\nssl_certificate: " + SERVER.certificateFile() + "\nssl_private_key: "
                + SERVER.keyFile() + "\nssl_ca_file: " + PKI.caFile() + "\n");
    }

    static final DropwizardAppExtension<BootproxyConfiguration> APP = TREE.app();

    @AfterAll
    static void cleanUp() throws Exception {
        TREE.delete();
        try (var walk = Files.walk(PKI_DIR)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int httpsPort() {
        return APP.getPort(1);
    }

    @Test
    void curlWithoutClientCertificate_getsTheFile() throws Exception {
        Curl.Result r = Curl.run(TREE.base, "--cacert", PKI.caFile().toString(),
                "https://localhost:" + httpsPort() + "/httpboot/big.img");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TREE.big);
    }

    @Test
    void curlRangeOverHttps_gives206() throws Exception {
        Curl.Result r = Curl.run(TREE.base, "--cacert", PKI.caFile().toString(), "-r", "0-99",
                "https://localhost:" + httpsPort() + "/EFI/BOOT/BOOTX64.EFI");

        assertThat(r.status()).isEqualTo(206);
        assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(TREE.bootx64, 0, TREE.bootx64.length));
    }

    @Test
    void headThenGetOnOneTlsConnection_likeEdk2() throws Exception {
        try (SSLSocket s = (SSLSocket) PKI.trustingContext().getSocketFactory().createSocket("127.0.0.1", httpsPort())) {
            s.setSoTimeout(5000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("HEAD /EFI/BOOT/BOOTX64.EFI HTTP/1.1\r\nHost: localhost\r\nUser-Agent: UefiHttpBoot/1.0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHeaders(in);
            assertThat(head).startsWith("HTTP/1.1 200").contains("Content-Length: " + TREE.bootx64.length)
                    .doesNotContainIgnoringCase("connection: close");

            out.write(("GET /EFI/BOOT/BOOTX64.EFI HTTP/1.1\r\nHost: localhost\r\nUser-Agent: UefiHttpBoot/1.0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String get = readHeaders(in);
            assertThat(get).startsWith("HTTP/1.1 200");
            assertThat(in.readNBytes(TREE.bootx64.length)).isEqualTo(TREE.bootx64);
        }
    }

    @Test
    void protectedRoute_stillNeedsACertificate() throws Exception {
        Curl.Result r = Curl.run(TREE.base, "--cacert", PKI.caFile().toString(),
                "https://localhost:" + httpsPort() + "/v2/features");

        assertThat(r.status()).isEqualTo(403);
    }

    private static String readHeaders(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
