package org.bootproxy.dhcp.backend;

import java.util.Objects;
import org.bootproxy.dhcp.model.Reservation;

/**
 * A new reservation shares its IP or its MAC with a different existing reservation (API: 409).
 * Carries the record that is in the way.
 */
public final class ReservationConflictException extends DhcpBackendException {

    private final transient Reservation existing;

    public ReservationConflictException(Reservation attempted, Reservation existing) {
        super("Record " + attempted.subnet().address() + "/" + attempted.ip() + " already exists", null);
        this.existing = Objects.requireNonNull(existing, "existing");
    }

    /**
     * A conflict the backend's server reported in its own words (e.g. dhcpd's "key conflict").
     *
     * @param existing the record in the way as far as the backend knows it (the attempted one
     *                 when the server does not say)
     */
    public ReservationConflictException(String message, Reservation existing) {
        super(message, null);
        this.existing = Objects.requireNonNull(existing, "existing");
    }

    /** The reservation that holds the IP or the MAC. */
    public Reservation existing() {
        return existing;
    }
}
