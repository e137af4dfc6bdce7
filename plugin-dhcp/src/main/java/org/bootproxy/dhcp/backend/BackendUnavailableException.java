package org.bootproxy.dhcp.backend;

/**
 * The backend cannot be reached or cannot store anything right now: the embedded store failed a
 * write to disk, an OMAPI or Kea control socket does not answer, a leases file is unreadable.
 * The operation did not take effect (or, for a write whose outcome is unknown, the message says
 * so). API: 503, so the orchestrator sees a server-side failure and not a client mistake.
 */
public sealed class BackendUnavailableException extends DhcpBackendException permits LeasesUnavailableException {

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
