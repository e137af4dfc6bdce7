package org.bootproxy.tftp.protocol;

/**
 * A datagram that is not a valid TFTP packet. The message says what is wrong and where
 * ("RRQ: option 'blksize' has no value"); the server answers ERROR 4 or drops the datagram.
 */
public final class MalformedPacketException extends Exception {

    private final int length;

    public MalformedPacketException(String message, int length) {
        super(message + " (" + length + "-byte datagram)");
        this.length = length;
    }

    /** The length of the offending datagram. */
    public int length() {
        return length;
    }
}
