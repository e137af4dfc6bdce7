package org.bootproxy.dhcp.backend;

/**
 * The backend has no way to read leases at all (not "none found"): e.g. Kea without its
 * {@code lease_cmds} hook. Thrown by every lease read of such a backend, so the orchestrator never
 * takes "leases unknown" for "no leases". API: 501. A subtype of
 * {@link BackendUnavailableException} so that lease reads keep their signatures; it is permanent
 * until the server's configuration changes, not a transient outage.
 */
public final class LeasesUnavailableException extends BackendUnavailableException {

    public LeasesUnavailableException(String message) {
        super(message, null);
    }
}
