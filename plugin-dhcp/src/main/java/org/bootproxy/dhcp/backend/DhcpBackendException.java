package org.bootproxy.dhcp.backend;

/**
 * Why a {@link DhcpBackend} refused or failed an operation. The category decides the HTTP status
 * the API answers with; the message names the record or the backend and is shown to the client.
 */
public abstract sealed class DhcpBackendException extends Exception
        permits ReservationConflictException, NotDeleteableException, RecordRejectedException,
        BackendUnavailableException {

    protected DhcpBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
