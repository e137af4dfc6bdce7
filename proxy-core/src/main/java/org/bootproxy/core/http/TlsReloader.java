package org.bootproxy.core.http;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps new PEM files into the running HTTPS listener (certificate rotation by Puppet,
 * foreman-installer or an ACME client, which rewrite {@code ssl_certificate},
 * {@code ssl_private_key} and {@code ssl_ca_file} in place).
 *
 * <p>Contract of {@link #reload()}: the files are read and checked as at a start
 * ({@link TlsMaterial#read}), then loaded into a throw-away Jetty factory with the listener's TLS
 * policy; only when both succeed does Jetty's {@link SslContextFactory#reload} put them into the
 * listener. Connections already open keep the TLS session they have (an {@code SSLEngine} keeps
 * the context it was made from); handshakes after the swap present the new certificate and check
 * client certificates against the new {@code ssl_ca_file}. Anything wrong leaves the material in
 * use untouched, with one WARN line naming the file and the reason; a success logs one INFO line.
 * Thread-safe: reloads are serialized.
 */
public final class TlsReloader {

    private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);

    /** What a reload did. */
    public sealed interface Outcome permits Reloaded, Refused, NothingToReload {
    }

    /** The listener now presents {@code certificate}. */
    public record Reloaded(X509Certificate certificate) implements Outcome {
        public Reloaded {
            Objects.requireNonNull(certificate, "certificate");
        }
    }

    /** The files were refused (the message names the file and the reason); the old material stays. */
    public record Refused(String reason) implements Outcome {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** There is no HTTPS listener, or it is not built yet: nothing was read. */
    public record NothingToReload(String why) implements Outcome {
        public NothingToReload {
            Objects.requireNonNull(why, "why");
        }
    }

    private final Path certFile;
    private final Path keyFile;
    private final Path caFile;
    private final UnaryOperator<SslContextFactory.Server> policy;
    private TlsMaterial current;                 // guarded by this
    private SslContextFactory.Server listener;   // guarded by this; null until the connector is built

    /**
     * @param initial the material checked at start
     * @param policy  configures a fresh factory as the listener's is configured (protocols, suites,
     *                client authentication), for the trial load of new material
     */
    TlsReloader(Path certFile, Path keyFile, Path caFile, TlsMaterial initial,
                UnaryOperator<SslContextFactory.Server> policy) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.caFile = caFile;
        this.current = initial;
        this.policy = policy;
    }

    /** The material in use (or to be used when the listener is built). */
    synchronized TlsMaterial current() {
        return current;
    }

    /** The listener's factory, once Dropwizard has built the connector. */
    synchronized void attach(SslContextFactory.Server factory) {
        this.listener = factory;
    }

    /** The certificate handshakes present now. */
    public synchronized X509Certificate certificate() {
        return current.certificate();
    }

    /** Re-reads the three files and swaps them in; see the class comment for the contract. */
    public synchronized Outcome reload() {
        if (listener == null) {
            LOG.info("TLS reload: the HTTPS listener is not built yet; nothing reloaded");
            return new NothingToReload("the HTTPS listener is not built yet");
        }
        TlsMaterial next;
        try {
            next = TlsMaterial.read(certFile, keyFile, caFile, Instant.now());
            tryLoad(next);
        } catch (PemKeyStores.PemException e) {
            return refused(e.getMessage());
        } catch (RuntimeException e) {
            // a parser's unchecked exception on a damaged file: still the files' fault, and the
            // signal's thread must not die with the material half-read
            return refused("ssl_certificate " + certFile + ", ssl_private_key " + keyFile + " or ssl_ca_file "
                    + caFile + " cannot be read: " + e);
        }
        try {
            listener.reload(next::applyTo);
        } catch (Exception e) {
            // the trial load succeeded, so this is not the files; put back what worked, so the
            // listener is never left without a context
            try {
                TlsMaterial old = current;
                listener.reload(old::applyTo);
            } catch (Exception again) {
                LOG.error("TLS reload: Jetty refused the previous material back as well ({}); new HTTPS "
                        + "handshakes fail until a restart", again.toString());
            }
            return refused("Jetty refused the material of ssl_certificate " + certFile + ": " + e);
        }
        current = next;
        LOG.info("TLS reloaded from ssl_certificate {}: the HTTPS listener now presents {}", certFile,
                next.describe());
        return new Reloaded(next.certificate());
    }

    private Refused refused(String reason) {
        LOG.warn("TLS reload refused, the HTTPS listener keeps presenting {}: {}",
                current.certificate().getSubjectX500Principal().getName() + " (serial "
                        + current.certificate().getSerialNumber().toString(16) + ")", reason);
        return new Refused(reason);
    }

    /** Loads {@code m} into a throw-away factory configured like the listener's. */
    private void tryLoad(TlsMaterial m) {
        SslContextFactory.Server trial = policy.apply(new SslContextFactory.Server());
        m.applyTo(trial);
        try {
            trial.start();
        } catch (Exception e) {
            throw new PemKeyStores.PemException("ssl_certificate " + certFile + " with ssl_private_key " + keyFile
                    + " and ssl_ca_file " + caFile + " cannot be loaded: " + e, e);
        } finally {
            try {
                trial.stop();
            } catch (Exception e) {
                LOG.debug("TLS reload: stopping the trial factory: {}", e.toString());
            }
        }
    }
}
