package org.bootproxy.dhcp.backend;

import java.util.Collection;
import java.util.Optional;
import org.bootproxy.dhcp.model.Reservation;

/**
 * The conflict rule of {@link DhcpBackend#addReservation}, for backends that check it against a
 * list of reservations they just read (external servers): identical → {@link AddOutcome#UNCHANGED};
 * same MAC otherwise → conflict; same IP → conflict unless both records name each other's MAC in
 * {@code related_macs} (the NICs of one bonded host share its address).
 */
public final class ReservationRules {

    private ReservationRules() {
    }

    /**
     * Checks {@code attempted} against {@code existing} (the reservations of its subnet).
     *
     * @return {@link AddOutcome#UNCHANGED} when an identical reservation exists, empty when it may be added
     * @throws ReservationConflictException naming the record in the way
     */
    public static Optional<AddOutcome> check(Reservation attempted, Collection<Reservation> existing)
            throws ReservationConflictException {
        for (Reservation e : existing) {
            if (e.mac().equals(attempted.mac())) {
                if (e.equals(attempted)) {
                    return Optional.of(AddOutcome.UNCHANGED);
                }
                throw new ReservationConflictException(attempted, e);
            }
        }
        for (Reservation e : existing) {
            if (e.ip().equals(attempted.ip()) && !bonded(attempted, e)) {
                throw new ReservationConflictException(attempted, e);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code a} and {@code b} name each other's MAC in {@code related_macs}. */
    public static boolean bonded(Reservation a, Reservation b) {
        return a.relatedMacs().contains(b.mac().toString()) && b.relatedMacs().contains(a.mac().toString());
    }
}
