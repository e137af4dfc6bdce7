package org.bootproxy.dhcp.backend.isc;

/** dhcpd.conf or dhcpd.leases text that does not parse; the message names the line. */
final class IscSyntaxException extends Exception {

    private final int line;

    IscSyntaxException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    int line() {
        return line;
    }
}
