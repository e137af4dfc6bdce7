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
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bootproxy.core.logging.RequestIdFilter;
import org.bootproxy.spi.api.ApiErrors;

/**
 * The smart-proxy authorization of protected routes, as a dropwizard-auth filter:
 * <ul>
 *   <li>HTTPS: a client certificate is required (its chain was verified against
 *       {@code ssl_ca_file} during the handshake); none → 403
 *       {@code No client SSL certificate supplied}. Identity: the subject CN, then SAN DNS names.</li>
 *   <li>HTTP: identity is the peer's forward-verified reverse-DNS name, looked up only when
 *       {@code trusted_hosts} is set. {@code X-Forwarded-For} is never read.</li>
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
            logger.warn("Refused {} {} from {}: no client SSL certificate", ctx.getMethod(), path, creds.peer());
            throw ApiErrors.forbidden("No client SSL certificate supplied");
        }
        if (!authenticate(ctx, creds, "CLIENT_CERT")) {
            logger.warn("Refused {} {}: untrusted client {} ({})", ctx.getMethod(), path, creds.displayName(),
                    creds.peer());
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
            return new ClientCredentials(names, peer, true);
        }
        List<String> names = new ArrayList<>();
        if (trustedHosts.checksHosts()) {
            reverseDns.verifiedName(peer).ifPresent(names::add);
        }
        return new ClientCredentials(names, peer, false);
    }

    /** The certificate's subject CN, then its SAN DNS names, lower case. */
    static List<String> identities(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    out.add(0, rdn.getValue().toString().toLowerCase(Locale.ROOT));
                }
            }
        } catch (InvalidNameException e) {
            // no usable subject: SANs may still identify the client
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
