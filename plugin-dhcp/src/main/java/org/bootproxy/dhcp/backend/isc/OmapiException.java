package org.bootproxy.dhcp.backend.isc;

import java.io.IOException;

/**
 * What went wrong talking OMAPI. {@link Kind#UNAVAILABLE} and {@link Kind#AUTH} mean dhcpd could
 * not be used (API: 503); the others are dhcpd's refusal of the request, with its own message.
 */
class OmapiException extends IOException {

    enum Kind {
        /** Connect failed, timed out, connection lost, protocol garbage. */
        UNAVAILABLE,
        /** dhcpd refused the key, or a signature did not verify. */
        AUTH,
        /** No object matches (ISC_R_NOTFOUND). */
        NOT_FOUND,
        /** The object already exists or keys conflict (ISC_R_EXISTS, DHCP_R_KEYCONFLICT). */
        EXISTS,
        /** Any other refusal (invalid argument, parse error of statements ...). */
        REFUSED
    }

    private final Kind kind;

    OmapiException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    OmapiException(Kind kind, String message) {
        this(kind, message, null);
    }

    Kind kind() {
        return kind;
    }
}
