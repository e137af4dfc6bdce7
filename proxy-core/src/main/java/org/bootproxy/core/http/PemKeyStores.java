package org.bootproxy.core.http;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files foreman-installer (or {@code bootproxy certs}) lays down into in-memory key
 * stores, with BouncyCastle: certificates, and unencrypted RSA or EC private keys in PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) or PKCS#8
 * ({@code BEGIN PRIVATE KEY}) form. Errors are {@link PemException}s naming the file.
 */
public final class PemKeyStores {

    /** The password of the in-memory key store; it never leaves the process. */
    static final char[] PASSWORD = "bootproxy".toCharArray();

    private PemKeyStores() {
    }

    /** A bad or unreadable PEM file; the message names the file and the setting. */
    public static final class PemException extends RuntimeException {
        public PemException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A key store holding the private key under alias {@code server} with its certificate chain. */
    public static KeyStore keyStore(Path certFile, Path keyFile) {
        return keyStore(certificates(certFile, "ssl_certificate"), privateKey(keyFile), certFile, keyFile);
    }

    /** {@link #keyStore(Path, Path)} of what was read from the files named (for the messages). */
    static KeyStore keyStore(List<X509Certificate> chain, PrivateKey key, Path certFile, Path keyFile) {
        if (chain.isEmpty()) {
            throw new PemException("ssl_certificate " + certFile + " holds no certificate", null);
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, PASSWORD, chain.toArray(X509Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new PemException("ssl_private_key " + keyFile + " does not match ssl_certificate " + certFile
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks what would otherwise only show as failing handshakes ({@code decrypt error},
     * {@code unknown ca}) once the server runs: {@code ssl_private_key} is the key of the first
     * certificate of {@code ssl_certificate}; that certificate (with the intermediates after it in
     * the file) chains to a certificate of {@code ssl_ca_file}; and no certificate on the way is
     * expired or not yet valid at {@code now}.
     *
     * @throws PemException naming the setting and the file that is wrong
     */
    public static void verifyServerCertificate(Path certFile, Path keyFile, Path caFile, java.util.Date now) {
        verifyServerCertificate(certificates(certFile, "ssl_certificate"), privateKey(keyFile),
                certificates(caFile, "ssl_ca_file"), certFile, keyFile, caFile, now);
    }

    /**
     * {@link #verifyServerCertificate(Path, Path, Path, java.util.Date)} of what was read from the
     * files named (for the messages), so a caller checks exactly the objects it goes on to use.
     */
    static void verifyServerCertificate(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas,
                                        Path certFile, Path keyFile, Path caFile, java.util.Date now) {
        if (chain.isEmpty()) {
            throw new PemException("ssl_certificate " + certFile + " holds no certificate", null);
        }
        X509Certificate leaf = chain.get(0);
        if (!keyMatches(key, leaf)) {
            throw new PemException("ssl_private_key " + keyFile + " is not the key of ssl_certificate " + certFile
                    + " (" + leaf.getSubjectX500Principal().getName() + ")", null);
        }
        for (X509Certificate c : chain) {
            if (now.after(c.getNotAfter())) {
                throw new PemException("ssl_certificate " + certFile + " has expired: "
                        + c.getSubjectX500Principal().getName() + " was valid until " + c.getNotAfter().toInstant(),
                        null);
            }
            if (now.before(c.getNotBefore())) {
                throw new PemException("ssl_certificate " + certFile + " is not valid yet: "
                        + c.getSubjectX500Principal().getName() + " is valid from " + c.getNotBefore().toInstant(),
                        null);
            }
        }
        if (cas.isEmpty()) {
            throw new PemException("ssl_ca_file " + caFile + " holds no certificate", null);
        }
        try {
            java.util.Set<java.security.cert.TrustAnchor> anchors = new java.util.HashSet<>();
            for (X509Certificate ca : cas) {
                anchors.add(new java.security.cert.TrustAnchor(ca, null));
            }
            java.security.cert.X509CertSelector target = new java.security.cert.X509CertSelector();
            target.setCertificate(leaf);
            java.security.cert.PKIXBuilderParameters params =
                    new java.security.cert.PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(now);
            params.addCertStore(java.security.cert.CertStore.getInstance("Collection",
                    new java.security.cert.CollectionCertStoreParameters(chain)));
            java.security.cert.CertPathBuilder.getInstance("PKIX").build(params);
        } catch (java.security.cert.CertPathBuilderException e) {
            throw new PemException("ssl_certificate " + certFile + " (" + leaf.getSubjectX500Principal().getName()
                    + ", issued by " + leaf.getIssuerX500Principal().getName() + ") does not chain to ssl_ca_file "
                    + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new PemException("cannot verify ssl_certificate " + certFile + " against ssl_ca_file " + caFile
                    + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code key} signs what {@code cert}'s public key verifies (works for RSA and EC alike). */
    public static boolean keyMatches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (alg == null || !key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = "bootproxy key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(alg);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A trust store of every certificate in a CA bundle. */
    public static KeyStore trustStore(Path caFile) {
        return trustStore(certificates(caFile, "ssl_ca_file"), caFile);
    }

    /** {@link #trustStore(Path)} of what was read from {@code caFile} (for the messages). */
    static KeyStore trustStore(List<X509Certificate> cas, Path caFile) {
        if (cas.isEmpty()) {
            throw new PemException("ssl_ca_file " + caFile + " holds no certificate", null);
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : cas) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new PemException("cannot use ssl_ca_file " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file, in order. */
    public static List<X509Certificate> certificates(Path file, String setting) {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        try (Reader r = open(file, setting); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(conv.getCertificate(h));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new PemException(setting + " " + file + " is not a readable PEM file: " + e.getMessage(), e);
        }
        return out;
    }

    /** The first private key in a PEM file. */
    public static PrivateKey privateKey(Path file) {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try (Reader r = open(file, "ssl_private_key"); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair kp) {
                    // PKCS#1 RSA or SEC1 EC; SEC1 may omit the public key, so convert only the private part
                    return conv.getPrivateKey(kp.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo pki) {
                    return conv.getPrivateKey(pki);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new PemException("ssl_private_key " + file
                            + " is encrypted; bootproxy needs an unencrypted key readable by its user only", null);
                }
            }
        } catch (IOException e) {
            throw new PemException("ssl_private_key " + file + " is not a readable PEM file: " + e.getMessage(), e);
        }
        throw new PemException("ssl_private_key " + file + " holds no private key", null);
    }

    private static Reader open(Path file, String setting) {
        try {
            return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new PemException(setting + " " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new PemException(setting + " " + file + " is not readable by this user", e);
        } catch (IOException e) {
            throw new PemException(setting + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
