package org.bootproxy.core.auth;

import io.dropwizard.auth.AuthFilter;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bootproxy.core.logging.RequestIdFilter;
import org.bootproxy.spi.api.ApiErrors;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bootproxy.spi.log.LogSafe;

/**
 * The smart-proxy authorization of protected routes, as a dropwizard-auth filter:
 * <ul>
 *   <li>HTTPS: a client certificate is required (its chain was verified against
 *       {@code ssl_ca_file} during the handshake); none → 403
 *       {@code No client SSL certificate supplied}. Identity: the subject's first CN in encoding
 *       order (smart-proxy's {@code https_cert_cn}: the first {@code CN=} of OpenSSL's
 *       {@code /CN=a/CN=b} text), then the SAN DNS names; later CNs never identify anyone.</li>
 *   <li>HTTP: identity is the peer's forward-verified reverse-DNS name, looked up only when
 *       {@code trusted_hosts} is set. {@code X-Forwarded-For} is never read. Without
 *       {@code trusted_hosts} only callers on this host (a loopback peer, or a peer address equal to
 *       the connection's local address) are admitted, so that the out-of-the-box configuration,
 *       which listens on every interface, does not hand the network its write API.</li>
 *   <li>With {@code trusted_hosts} set, an identity must be in it, else 403
 *       {@code Untrusted client <name> attempted to access <path>}.</li>
 * </ul>
 * A refusal is a client's mistake: logged at WARN, never ERROR.
 */
@Priority(Priorities.AUTHENTICATION)
public final class ClientCertificateAuthFilter extends AuthFilter<ClientCredentials, ProxyClient> {

    static final String CERT_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final ReverseDns reverseDns = new ReverseDns();
    private final TrustedHostsAuthenticator trustedHosts;

    private ClientCertificateAuthFilter(TrustedHostsAuthenticator trustedHosts) {
        this.trustedHosts = trustedHosts;
    }

    /** Builds the filter through dropwizard-auth's builder, with {@code trusted_hosts} as authenticator. */
    public static ClientCertificateAuthFilter create(List<String> trustedHostsSetting) {
        TrustedHostsAuthenticator authenticator = new TrustedHostsAuthenticator(trustedHostsSetting);
        return new AuthFilterBuilder<ClientCredentials, ProxyClient, ClientCertificateAuthFilter>() {
            @Override
            protected ClientCertificateAuthFilter newInstance() {
                return new ClientCertificateAuthFilter(authenticator);
            }
        }.setAuthenticator(authenticator).setPrefix("ClientCert").setRealm("bootproxy").buildAuthFilter();
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        String path = "/" + ctx.getUriInfo().getPath();
        ClientCredentials creds = credentials(ctx);
        if (creds.secure() && creds.names().isEmpty()) {
            logger.warn("Refused {} {} from {}: no client SSL certificate", ctx.getMethod(), LogSafe.escape(path), creds.peer());
            throw ApiErrors.forbidden("No client SSL certificate supplied");
        }
        if (!creds.secure() && !trustedHosts.checksHosts() && !creds.sameHost()) {
            logger.warn("Refused {} {} from {}: not on this host and trusted_hosts is not set", ctx.getMethod(),
                    LogSafe.escape(path), creds.peer());
            throw ApiErrors.forbidden("Untrusted client " + creds.peer() + ": without trusted_hosts only callers on "
                    + "this host may use " + path + "; set trusted_hosts (or call over HTTPS with a client "
                    + "certificate) to admit others");
        }
        if (!authenticate(ctx, creds, "CLIENT_CERT")) {
            logger.warn("Refused {} {}: untrusted client {} ({})", ctx.getMethod(), LogSafe.escape(path),
                    LogSafe.escape(creds.displayName()), creds.peer());
            throw ApiErrors.forbidden("Untrusted client " + creds.displayName() + " attempted to access " + path);
        }
    }

    private ClientCredentials credentials(ContainerRequestContext ctx) {
        // Jersey's servlet container exposes the servlet request's attributes as properties
        Object remote = ctx.getProperty(RequestIdFilter.REMOTE_ADDR_ATTRIBUTE);
        String peer = remote == null ? "unknown" : remote.toString();
        if (ctx.getSecurityContext().isSecure()) {
            Object attr = ctx.getProperty(CERT_ATTRIBUTE);
            List<String> names = new ArrayList<>();
            if (attr instanceof X509Certificate[] chain && chain.length > 0) {
                names.addAll(identities(chain[0]));
                if (names.isEmpty()) {
                    names.add(chain[0].getSubjectX500Principal().getName());
                }
            }
            return new ClientCredentials(names, peer, true, false);
        }
        List<String> names = new ArrayList<>();
        if (trustedHosts.checksHosts()) {
            reverseDns.verifiedName(peer).ifPresent(names::add);
        }
        return new ClientCredentials(names, peer, false,
                sameHost(remote, ctx.getProperty(RequestIdFilter.LOCAL_ADDR_ATTRIBUTE)));
    }

    /**
     * Whether a TCP peer is this host: a loopback address, or the very address the connection
     * arrived on (the kernel drops packets from outside that claim one of its own addresses).
     */
    static boolean sameHost(Object remote, Object local) {
        if (remote == null) {
            return false;
        }
        String peer = remote.toString();
        if (peer.equals(String.valueOf(local))) {
            return true;
        }
        try {
            // a literal, never a lookup: the servlet layer gives the address as text
            return (peer.matches("[0-9.]+") || peer.contains(":"))
                    && java.net.InetAddress.getByName(peer).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * The certificate's identities, lower case: its first subject CN in encoding order (none when
     * that RDN is multi-valued), then its SAN DNS names.
     */
    static List<String> identities(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        RDN[] cns = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        if (cns.length > 0 && !cns[0].isMultiValued() && cns[0].getFirst().getValue() instanceof ASN1String cn) {
            out.add(cn.getString().toLowerCase(Locale.ROOT));
        }
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
                        out.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // ignore malformed SANs
        }
        return out;
    }
}
