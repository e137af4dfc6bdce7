package org.bootproxy.tftp.transfer;

import java.nio.ByteBuffer;

/**
 * Where a transfer's packets go: the transport adapter sends them to the transfer's peer from the
 * transfer's own port. Called with the transfer's lock held, from the thread that receives the
 * peer's datagrams or the timer thread; implementations may block only while the socket cannot
 * take the datagram (a full send buffer), never on anything the peer does.
 */
public interface PacketSink {

    /**
     * A buffer to build the next packet in, position 0 and at least {@code capacity} bytes of
     * room. It may be recycled, so its contents are undefined.
     */
    ByteBuffer buffer(int capacity);

    /**
     * Sends the bytes between the buffer's position and limit. The buffer belongs to the sink
     * afterwards (it may recycle it once the datagram is out).
     */
    void send(ByteBuffer packet);
}
