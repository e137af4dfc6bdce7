package org.bootproxy.core.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate generation for bootproxy's own PKI (the {@code certs} command and tests): a CA that
 * may sign certificates, and leaf certificates for servers and clients, all RSA or EC with SHA-256
 * signatures. Certificates are backdated one hour so that a client whose clock lags (firmware RTC)
 * accepts them at once. Stateless and thread-safe.
 */
public final class Pki {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Pki() {
    }

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey privateKey) {
        public Issued {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    /** What a leaf certificate is for: a TLS server, a TLS client, or both. */
    public enum Purpose {
        SERVER, CLIENT, SERVER_AND_CLIENT
    }

    /**
     * The names a leaf certificate carries: its CN and its subject alternative names.
     *
     * @param commonName the subject CN
     * @param dnsNames DNS names for the SAN extension
     * @param addresses IP addresses for the SAN extension
     */
    public record Subject(String commonName, List<String> dnsNames, List<InetAddress> addresses) {
        public Subject {
            if (commonName == null || commonName.isBlank()) {
                throw new IllegalArgumentException("a certificate needs a common name");
            }
            dnsNames = List.copyOf(dnsNames);
            addresses = List.copyOf(addresses);
            for (String n : dnsNames) {
                if (!n.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?")) {
                    throw new IllegalArgumentException("invalid DNS name for a certificate: " + n);
                }
            }
        }

        /** A subject whose CN is its first DNS name, else its first address. */
        public static Subject of(List<String> dnsNames, List<InetAddress> addresses) {
            String cn = !dnsNames.isEmpty() ? dnsNames.get(0)
                    : !addresses.isEmpty() ? addresses.get(0).getHostAddress() : null;
            return new Subject(cn, dnsNames, addresses);
        }
    }

    /** A new RSA key pair of {@code bits} (2048 or more). */
    public static KeyPair rsaKeyPair(int bits) {
        if (bits < 2048) {
            throw new IllegalArgumentException("RSA key size " + bits + " is below 2048");
        }
        return keyPair("RSA", bits);
    }

    /** A new EC key pair on P-256. */
    public static KeyPair ecKeyPair() {
        return keyPair("EC", 256);
    }

    private static KeyPair keyPair(String algorithm, int size) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            g.initialize(size, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
        }
    }

    /** A self-signed CA: CA:TRUE (path length 0), keyCertSign and cRLSign. */
    public static Issued certificateAuthority(String commonName, KeyPair keys, Duration validity) {
        X500Name name = name(commonName);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(keys.getPublic()));
            return new Issued(sign(b, keys.getPrivate()), keys.getPrivate());
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create CA certificate " + commonName, e);
        }
    }

    /**
     * A leaf certificate for {@code subject} signed by {@code ca}. An RSA key gets digitalSignature
     * and keyEncipherment (RSA key exchange, which UEFI firmware needs, encrypts with the server's
     * key); an EC key digitalSignature only.
     */
    public static Issued issue(Issued ca, Subject subject, PublicKey publicKey, PrivateKey privateKey,
                               Purpose purpose, Duration validity) {
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            int usage = KeyUsage.digitalSignature
                    | ("RSA".equals(publicKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
            KeyPurposeId[] purposes = switch (purpose) {
                case SERVER -> new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
                case CLIENT -> new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
                case SERVER_AND_CLIENT -> new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
                        KeyPurposeId.id_kp_clientAuth};
            };
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)),
                    name(subject.commonName()), publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(ca.certificate()));
            List<GeneralName> sans = new ArrayList<>();
            subject.dnsNames().forEach(n -> sans.add(new GeneralName(GeneralName.dNSName, n)));
            subject.addresses().forEach(a -> sans.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress())));
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return new Issued(sign(b, ca.privateKey()), privateKey);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject.commonName(), e);
        }
    }

    /** PEM text of a certificate, or of a private key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public static String pem(Object certificateOrKey) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            if (certificateOrKey instanceof PrivateKey k) {
                pw.writeObject(new JcaPKCS8Generator(k, null));
            } else {
                pw.writeObject(certificateOrKey);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** The first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        try (PEMParser p = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    return new JcaX509CertificateConverter().getCertificate(h);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("unreadable certificate in " + file + ": " + e.getMessage(), e);
        }
        throw new IOException("no PEM certificate in " + file);
    }

    /** The first private key of a PEM file: PKCS#8, or PKCS#1 RSA / SEC1 EC ({@code BEGIN RSA/EC PRIVATE KEY}). */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try (PEMParser p = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PEMKeyPair kp) {
                    // the private part alone: a SEC1 EC key may omit its (optional) public key
                    return conv.getPrivateKey(kp.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return conv.getPrivateKey(info);
                }
            }
        }
        throw new IOException("no unencrypted PEM private key in " + file);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        String alg = "RSA".equals(signer.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        X509CertificateHolder h = b.build(new JcaContentSignerBuilder(alg).build(signer));
        return new JcaX509CertificateConverter().getCertificate(h);
    }
}
