package org.bootproxy.dhcp.protocol;

/**
 * A DHCP datagram that cannot be decoded: too short, a bad magic cookie, an option running past
 * the end of the packet. The message names what was wrong and where; the server drops and counts
 * such packets.
 */
public final class MalformedPacketException extends Exception {

    public MalformedPacketException(String message) {
        super(message);
    }
}
