package org.bootproxy.dhcp.backend;

/** What {@link DhcpBackend#addReservation} did. */
public enum AddOutcome {
    /** The reservation was stored. */
    CREATED,
    /** An identical reservation already existed; nothing changed. */
    UNCHANGED
}
