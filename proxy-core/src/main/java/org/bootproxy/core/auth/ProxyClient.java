package org.bootproxy.core.auth;

import java.security.Principal;

/**
 * An authorized caller of a protected route.
 *
 * @param name the identity that was checked (certificate CN, SAN, or reverse-DNS name), or the
 *     peer address when no host check applies
 */
public record ProxyClient(String name) implements Principal {
    @Override
    public String getName() {
        return name;
    }
}
