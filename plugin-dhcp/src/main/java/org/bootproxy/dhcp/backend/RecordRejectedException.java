package org.bootproxy.dhcp.backend;

/**
 * The backend cannot store a record the API layer accepted, e.g. an external server that refuses
 * a host name or an option it does not know. API: 400. The message names the bad value.
 */
public final class RecordRejectedException extends DhcpBackendException {

    public RecordRejectedException(String message) {
        super(message, null);
    }
}
