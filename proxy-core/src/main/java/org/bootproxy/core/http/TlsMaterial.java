package org.bootproxy.core.http;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS listener's key material: the key store ({@code ssl_certificate} with
 * {@code ssl_private_key}) and the trust store ({@code ssl_ca_file}), read and checked together.
 * Each file is read once and the objects checked are the objects used, so a file rewritten while
 * it is read (a certificate renewed in place) yields either a consistent set or a
 * {@link PemKeyStores.PemException}, never a key store whose parts do not belong together.
 * Immutable once read; reading has no effect on a running listener.
 */
public final class TlsMaterial {

    private final X509Certificate leaf;
    private final KeyStore keyStore;
    private final KeyStore trustStore;

    private TlsMaterial(X509Certificate leaf, KeyStore keyStore, KeyStore trustStore) {
        this.leaf = leaf;
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    /**
     * Reads the three PEM files and checks them as a start does: the key is the first
     * certificate's, the certificate chains to {@code ssl_ca_file}, nothing on the chain is expired
     * or not yet valid at {@code now}.
     *
     * @throws PemKeyStores.PemException naming the setting, the file and what is wrong with it
     */
    public static TlsMaterial read(Path certFile, Path keyFile, Path caFile, Instant now) {
        List<X509Certificate> chain = PemKeyStores.certificates(certFile, "ssl_certificate");
        PrivateKey key = PemKeyStores.privateKey(keyFile);
        List<X509Certificate> cas = PemKeyStores.certificates(caFile, "ssl_ca_file");
        PemKeyStores.verifyServerCertificate(chain, key, cas, certFile, keyFile, caFile, Date.from(now));
        return new TlsMaterial(chain.get(0), PemKeyStores.keyStore(chain, key, certFile, keyFile),
                PemKeyStores.trustStore(cas, caFile));
    }

    /** The server certificate handshakes present. */
    public X509Certificate certificate() {
        return leaf;
    }

    /** Puts this material into {@code f}; the caller starts, or reloads, the factory. */
    void applyTo(SslContextFactory f) {
        f.setKeyStore(keyStore);
        f.setKeyStorePassword(new String(PemKeyStores.PASSWORD));
        f.setKeyManagerPassword(new String(PemKeyStores.PASSWORD));
        f.setTrustStore(trustStore);
    }

    /**
     * The certificate for a log line: subject, serial (hex), SHA-256 fingerprint of its DER form
     * (what {@code openssl x509 -fingerprint -sha256} prints) and the end of its validity.
     */
    public String describe() {
        return leaf.getSubjectX500Principal().getName() + ", serial " + leaf.getSerialNumber().toString(16)
                + ", SHA-256 " + fingerprint(leaf) + ", valid until " + leaf.getNotAfter().toInstant();
    }

    static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            // every JDK has SHA-256, and a certificate just parsed from DER encodes again
            throw new IllegalStateException(e);
        }
    }
}
