package org.bootproxy.core.auth;

import io.dropwizard.auth.Authenticator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code trusted_hosts}: unset admits every caller; set, one of the caller's names must be in it
 * (compared lower-case); an empty list admits nobody.
 */
public final class TrustedHostsAuthenticator implements Authenticator<ClientCredentials, ProxyClient> {

    private final Set<String> trusted;

    /** @param trustedHosts the setting, or null when unset */
    public TrustedHostsAuthenticator(List<String> trustedHosts) {
        this.trusted = trustedHosts == null ? null
                : trustedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public boolean checksHosts() {
        return trusted != null;
    }

    @Override
    public Optional<ProxyClient> authenticate(ClientCredentials credentials) {
        if (trusted == null) {
            return Optional.of(new ProxyClient(credentials.displayName()));
        }
        return credentials.names().stream().filter(trusted::contains).findFirst().map(ProxyClient::new);
    }
}
