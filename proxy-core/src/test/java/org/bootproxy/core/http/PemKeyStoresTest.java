package org.bootproxy.core.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import org.bootproxy.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-time checks of the HTTPS listener's PEM files. */
class PemKeyStoresTest {

    @TempDir
    Path dir;

    @Test
    void matchingKeyAndChain_pass_inEveryKeyFormat() {
        TestPki pki = TestPki.create(dir);
        for (TestPki.KeyFormat f : TestPki.KeyFormat.values()) {
            TestPki.Pem srv = pki.server("s-" + f, f, "localhost");
            assertThatCode(() -> PemKeyStores.verifyServerCertificate(srv.certificateFile(), srv.keyFile(),
                    pki.caFile(), new Date())).doesNotThrowAnyException();
        }
    }

    @Test
    void keyOfAnotherCertificate_isRefusedNamingBothFiles() {
        TestPki pki = TestPki.create(dir);
        TestPki.Pem srv = pki.server("s", TestPki.KeyFormat.EC_SEC1, "localhost");
        TestPki.Pem other = pki.server("o", TestPki.KeyFormat.EC_PKCS8, "other");
        TestPki.Pem rsa = pki.server("r", TestPki.KeyFormat.RSA_PKCS1, "rsa");
        assertThatThrownBy(() -> PemKeyStores.verifyServerCertificate(srv.certificateFile(), other.keyFile(),
                pki.caFile(), new Date())).hasMessageContaining("ssl_private_key " + other.keyFile()
                + " is not the key of ssl_certificate " + srv.certificateFile());
        assertThatThrownBy(() -> PemKeyStores.verifyServerCertificate(srv.certificateFile(), rsa.keyFile(),
                pki.caFile(), new Date())).hasMessageContaining("is not the key of ssl_certificate");
    }

    @Test
    void expiredCertificate_isRefusedWithItsEndDate() {
        TestPki pki = TestPki.create(dir);
        TestPki.Pem srv = pki.server("s", TestPki.KeyFormat.RSA_PKCS8, "localhost");
        Date later = Date.from(srv.certificate().getNotAfter().toInstant().plus(Duration.ofMinutes(1)));
        assertThatThrownBy(() -> PemKeyStores.verifyServerCertificate(srv.certificateFile(), srv.keyFile(),
                pki.caFile(), later)).hasMessageContaining("ssl_certificate " + srv.certificateFile()
                + " has expired").hasMessageContaining(srv.certificate().getNotAfter().toInstant().toString());
        Date earlier = Date.from(srv.certificate().getNotBefore().toInstant().minus(Duration.ofDays(1)));
        assertThatThrownBy(() -> PemKeyStores.verifyServerCertificate(srv.certificateFile(), srv.keyFile(),
                pki.caFile(), earlier)).hasMessageContaining("is not valid yet");
    }

    @Test
    void certificateOfAnotherCa_isRefused_andAChainThroughABundleIsAccepted() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki other = TestPki.createOther(Files.createDirectories(dir.resolve("other")));
        TestPki.Pem srv = other.server("s", TestPki.KeyFormat.RSA_PKCS8, "localhost");
        assertThatThrownBy(() -> PemKeyStores.verifyServerCertificate(srv.certificateFile(), srv.keyFile(),
                pki.caFile(), new Date())).hasMessageContaining("does not chain to ssl_ca_file " + pki.caFile());
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, Files.readString(pki.caFile()) + Files.readString(other.caFile()));
        assertThatCode(() -> PemKeyStores.verifyServerCertificate(srv.certificateFile(), srv.keyFile(), bundle,
                new Date())).doesNotThrowAnyException();
    }
}
