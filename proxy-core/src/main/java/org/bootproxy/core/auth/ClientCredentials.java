package org.bootproxy.core.auth;

import java.util.List;

/**
 * What a caller presents: the names it may be known by, most authoritative first (certificate CN,
 * then SAN DNS names; or the forward-verified reverse-DNS name on HTTP), and its address.
 *
 * @param names lower-cased candidate identities; may be empty
 * @param peer the peer's IP address
 * @param secure whether the request came over HTTPS
 * @param sameHost whether the peer is this host (loopback, or the connection's own local address)
 */
public record ClientCredentials(List<String> names, String peer, boolean secure, boolean sameHost) {
    public ClientCredentials {
        names = List.copyOf(names);
    }

    /** The name to show in messages: the first candidate, else the address. */
    public String displayName() {
        return names.isEmpty() ? peer : names.get(0);
    }
}
