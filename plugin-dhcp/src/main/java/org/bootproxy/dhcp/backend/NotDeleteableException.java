package org.bootproxy.dhcp.backend;

/**
 * The record exists but the backend may not delete it: a lease (the DHCP server owns it until it
 * expires or the client releases it), or a static host the backend read from its own
 * configuration rather than created through the API ({@code deleteable: false}). API: 400.
 */
public final class NotDeleteableException extends DhcpBackendException {

    public NotDeleteableException(String message) {
        super(message, null);
    }
}
