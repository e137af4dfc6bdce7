package org.bootproxy.core.certs;

/** A {@code bootproxy certs} run that cannot proceed; the message names the file or value at fault. */
public final class CertsException extends Exception {
    private static final long serialVersionUID = 1L;

    public CertsException(String message) {
        super(message);
    }

    public CertsException(String message, Throwable cause) {
        super(message, cause);
    }
}
