package org.bootproxy.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bootproxy.core.certs.Pki;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for TLS tests: a CA, and server and client certificates it signs, written as PEM
 * files in a directory the test owns (a JUnit {@code @TempDir}), in every key format bootproxy must
 * read. Built on {@link Pki}, the generator {@code bootproxy certs} uses.
 *
 * <pre>
 *   TestPki pki = TestPki.create(dir);                       // dir/ca.pem, dir/ca-key.pem
 *   TestPki.Pem server = pki.server("server", KeyFormat.RSA_PKCS8, "localhost", "127.0.0.1");
 *   TestPki.Pem foreman = pki.client("client", "foreman.example.com");
 *   SSLContext ctx = pki.clientContext(foreman);             // trusts the CA, presents foreman's cert
 * </pre>
 * Not thread-safe (tests use one per test).
 */
public final class TestPki {

    /** How a private key is written. */
    public enum KeyFormat {
        /** RSA, {@code BEGIN PRIVATE KEY}. */
        RSA_PKCS8,
        /** RSA, {@code BEGIN RSA PRIVATE KEY}. */
        RSA_PKCS1,
        /** EC P-256, {@code BEGIN EC PRIVATE KEY}. */
        EC_SEC1,
        /** EC P-256, {@code BEGIN PRIVATE KEY}. */
        EC_PKCS8
    }

    /** A certificate and key as objects and as the PEM files written for them. */
    public record Pem(Path certificateFile, Path keyFile, X509Certificate certificate, PrivateKey key) {
    }

    private static final Duration VALIDITY = Duration.ofDays(2);

    private final Path dir;
    private final Pki.Issued ca;
    private final Path caFile;
    private final Path caKeyFile;

    private TestPki(Path dir, Pki.Issued ca) {
        this.dir = dir;
        this.ca = ca;
        this.caFile = dir.resolve("ca.pem");
        this.caKeyFile = dir.resolve("ca-key.pem");
        write(caFile, Pki.pem(ca.certificate()));
        write(caKeyFile, Pki.pem(ca.privateKey()));
    }

    /** A new RSA-2048 CA "bootproxy test CA" in {@code dir} ({@code ca.pem}, {@code ca-key.pem}). */
    public static TestPki create(Path dir) {
        return new TestPki(dir, Pki.certificateAuthority("bootproxy test CA", Pki.rsaKeyPair(2048), VALIDITY));
    }

    /** A second, unrelated CA in {@code dir}, e.g. to make a client certificate the server must refuse. */
    public static TestPki createOther(Path dir) {
        return new TestPki(dir, Pki.certificateAuthority("some other CA", Pki.rsaKeyPair(2048), VALIDITY));
    }

    public Path caFile() {
        return caFile;
    }

    public Path caKeyFile() {
        return caKeyFile;
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /**
     * A server certificate, CN = the first name, SANs = {@code names} (IP literals become IP SANs),
     * written to {@code <base>.pem} and {@code <base>-key.pem}.
     */
    public Pem server(String base, KeyFormat format, String... names) {
        return leaf(base, format, Pki.Purpose.SERVER, names);
    }

    /** A client certificate (RSA, PKCS#8) with CN {@code commonName} and the same DNS SAN. */
    public Pem client(String base, String commonName) {
        return leaf(base, KeyFormat.RSA_PKCS8, Pki.Purpose.CLIENT, commonName);
    }

    /** A leaf certificate for any purpose and key format. */
    public Pem leaf(String base, KeyFormat format, Pki.Purpose purpose, String... names) {
        KeyPair keys = switch (format) {
            case RSA_PKCS8, RSA_PKCS1 -> Pki.rsaKeyPair(2048);
            case EC_SEC1, EC_PKCS8 -> Pki.ecKeyPair();
        };
        List<String> dns = java.util.Arrays.stream(names).filter(n -> !isIp(n)).toList();
        List<InetAddress> ips = java.util.Arrays.stream(names).filter(TestPki::isIp).map(TestPki::ip).toList();
        Pki.Issued leaf = Pki.issue(ca, new Pki.Subject(names[0], dns, ips), keys.getPublic(), keys.getPrivate(),
                purpose, VALIDITY);
        Path cert = dir.resolve(base + ".pem");
        Path key = dir.resolve(base + "-key.pem");
        write(cert, Pki.pem(leaf.certificate()));
        write(key, switch (format) {
            case RSA_PKCS8, EC_PKCS8 -> Pki.pem(keys.getPrivate());
            // JcaPEMWriter writes a bare private key in its traditional form: PKCS#1 / SEC1
            case RSA_PKCS1, EC_SEC1 -> traditional(keys.getPrivate());
        });
        return new Pem(cert, key, leaf.certificate(), keys.getPrivate());
    }

    /**
     * A client certificate (RSA, PKCS#8) whose subject is one RDN per name, {@code CN=<names[0]>}
     * first in encoding order (the order OpenSSL prints, {@code /CN=a/CN=b}; Java's RFC 2253 text
     * lists them the other way round), with no subject alternative name: what a careless or hostile
     * CA may sign.
     */
    public Pem clientWithCommonNames(String base, String... commonNames) {
        try {
            KeyPair keys = Pki.rsaKeyPair(2048);
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
            for (String cn : commonNames) {
                subject.addRDN(BCStyle.CN, cn);
            }
            java.time.Instant now = java.time.Instant.now();
            org.bouncycastle.cert.X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(),
                    java.math.BigInteger.valueOf(System.nanoTime()), java.util.Date.from(now.minusSeconds(3600)),
                    java.util.Date.from(now.plus(VALIDITY)), subject.build(), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.privateKey())));
            Path certFile = dir.resolve(base + ".pem");
            Path keyFile = dir.resolve(base + "-key.pem");
            write(certFile, Pki.pem(cert));
            write(keyFile, Pki.pem(keys.getPrivate()));
            return new Pem(certFile, keyFile, cert, keys.getPrivate());
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + String.join(", ", commonNames), e);
        }
    }

    /**
     * SEC1 ({@code BEGIN EC PRIVATE KEY}) with the curve in the [0] parameters and the public key,
     * as {@code openssl ecparam -genkey} writes it (JcaPEMWriter leaves the parameters out).
     */
    private static String sec1WithParameters(PrivateKey key) {
        try {
            org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
                    org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
            org.bouncycastle.asn1.sec.ECPrivateKey inner =
                    org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            org.bouncycastle.asn1.ASN1Encodable params = info.getPrivateKeyAlgorithm().getParameters();
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = inner.getPublicKey() == null
                    ? new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), params)
                    : new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), inner.getPublicKey(), params);
            StringWriter w = new StringWriter();
            try (org.bouncycastle.util.io.pem.PemWriter pw = new org.bouncycastle.util.io.pem.PemWriter(w)) {
                pw.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            }
            return w.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An SSL context that trusts this CA only and presents no certificate. */
    public SSLContext trustingContext() {
        return context(null);
    }

    /** An SSL context that trusts this CA and presents {@code client}. */
    public SSLContext clientContext(Pem client) {
        return context(client);
    }

    private SSLContext context(Pem client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                char[] pw = "test".toCharArray();
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                // the leaf alone: the server knows the CA, and a leaf of another CA can be presented too
                keys.setKeyEntry("client", client.key(), pw, new Certificate[] {client.certificate()});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, pw);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an SSL context", e);
        }
    }

    private static String traditional(PrivateKey key) {
        if (key.getAlgorithm().equals("EC")) {
            return sec1WithParameters(key);
        }
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static boolean isIp(String s) {
        return s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || s.contains(":");
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static void write(Path file, String pem) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
