package org.bootproxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.bootproxy.core.certs.Pki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiTest {

    @TempDir
    Path dir;

    @Test
    void server_writesEachKeyFormatWithItsPemHeader() throws Exception {
        TestPki pki = TestPki.create(dir);
        String[][] formats = {
            {"RSA_PKCS8", "-----BEGIN PRIVATE KEY-----", "RSA"},
            {"RSA_PKCS1", "-----BEGIN RSA PRIVATE KEY-----", "RSA"},
            {"EC_SEC1", "-----BEGIN EC PRIVATE KEY-----", "EC"},
            {"EC_PKCS8", "-----BEGIN PRIVATE KEY-----", "EC"},
        };
        for (String[] f : formats) {
            TestPki.Pem pem = pki.server("s-" + f[0], TestPki.KeyFormat.valueOf(f[0]), "localhost", "127.0.0.1");
            assertThat(Files.readString(pem.keyFile())).as(f[0]).startsWith(f[1]);
            assertThat(Pki.readPrivateKey(pem.keyFile()).getAlgorithm()).as(f[0]).isEqualTo(f[2]);
            java.security.PrivateKey read = Pki.readPrivateKey(pem.keyFile());
            if (read instanceof java.security.interfaces.ECPrivateKey ec) {
                assertThat(ec.getS()).as(f[0]).isEqualTo(((java.security.interfaces.ECPrivateKey) pem.key()).getS());
            } else {
                assertThat(read.getEncoded()).as(f[0]).isEqualTo(pem.key().getEncoded());
            }
            X509Certificate cert = Pki.readCertificate(pem.certificateFile());
            cert.verify(pki.caCertificate().getPublicKey());
            assertThat(cert.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                    .containsExactly("localhost", "127.0.0.1");
        }
    }

    @Test
    void client_isSignedByItsCaAndNotByAnother() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("a"));
        TestPki other = TestPki.createOther(dir.resolve("b"));
        TestPki.Pem client = pki.client("foreman", "foreman.example.com");
        client.certificate().verify(pki.caCertificate().getPublicKey());
        assertThat(client.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> client.certificate().verify(other.caCertificate().getPublicKey()))
                .isInstanceOf(java.security.SignatureException.class);
        assertThat(pki.clientContext(client).getProtocol()).isEqualTo("TLS");
    }
}
