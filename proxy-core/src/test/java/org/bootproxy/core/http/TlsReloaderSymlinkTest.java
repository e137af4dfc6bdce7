package org.bootproxy.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.bootproxy.testing.TestPki;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * certbot's layout: {@code ssl_certificate} and {@code ssl_private_key} name {@code live/}
 * symlinks into {@code archive/}, and a renewal writes new archive files and re-points the links
 * (the key's link first). The reload follows the links as they are at the time of the reload.
 */
class TlsReloaderSymlinkTest {

    @TempDir
    Path dir;

    /** Points {@code link} at {@code target} (relative, as certbot does) by renaming a new link over it. */
    private static void repoint(Path link, Path target) throws Exception {
        Path tmp = link.resolveSibling(link.getFileName() + ".new");
        Files.createSymbolicLink(tmp, link.getParent().relativize(target));
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void certbotsLiveSymlinks_areFollowed_halfRenewedRefused_thenTheRenewalTaken() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Pem first = pki.server("first", TestPki.KeyFormat.EC_PKCS8, "localhost");
        TestPki.Pem second = pki.server("second", TestPki.KeyFormat.RSA_PKCS8, "localhost");
        Path archive = Files.createDirectories(dir.resolve("archive/proxy"));
        Path live = Files.createDirectories(dir.resolve("live/proxy"));
        Path cert1 = Files.copy(first.certificateFile(), archive.resolve("cert1.pem"));
        Path key1 = Files.copy(first.keyFile(), archive.resolve("privkey1.pem"));
        Path cert2 = Files.copy(second.certificateFile(), archive.resolve("cert2.pem"));
        Path key2 = Files.copy(second.keyFile(), archive.resolve("privkey2.pem"));
        Path certLink = live.resolve("cert.pem");
        Path keyLink = live.resolve("privkey.pem");
        Files.createSymbolicLink(certLink, live.relativize(cert1));
        Files.createSymbolicLink(keyLink, live.relativize(key1));

        TlsMaterial initial = TlsMaterial.read(certLink, keyLink, pki.caFile(), Instant.now());
        assertThat(initial.certificate()).isEqualTo(first.certificate());
        TlsReloader reloader = new TlsReloader(certLink, keyLink, pki.caFile(), initial, UnaryOperator.identity());
        SslContextFactory.Server listener = new SslContextFactory.Server();
        initial.applyTo(listener);
        listener.start();
        try {
            reloader.attach(listener);

            // the key's link re-pointed first: the pair does not match, the old certificate stays
            repoint(keyLink, key2);
            assertThat(reloader.reload()).isInstanceOf(TlsReloader.Refused.class);
            assertThat(reloader.certificate()).isEqualTo(first.certificate());

            repoint(certLink, cert2);
            assertThat(reloader.reload()).isEqualTo(new TlsReloader.Reloaded(second.certificate()));
            assertThat(listener.getKeyStore().getCertificate("server")).isEqualTo(second.certificate());
            assertThat(Files.isSymbolicLink(certLink)).as("the links are read, never replaced").isTrue();
        } finally {
            listener.stop();
        }
    }
}
