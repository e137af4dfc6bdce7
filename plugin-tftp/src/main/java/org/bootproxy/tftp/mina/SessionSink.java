package org.bootproxy.tftp.mina;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.bootproxy.tftp.transfer.PacketSink;

/**
 * Sends a transfer's packets through its MINA session (the transfer's own port, to its peer).
 * Packet buffers are recycled once MINA has sent them, so a transfer in steady state
 * allocates no packet buffer; with an empty write queue MINA sends inline, in the caller's
 * thread, so there is no thread hop per packet either.
 */
final class SessionSink implements PacketSink {

    private static final int DIRECT_LIMIT = 9004;

    private final IoSession session;
    private final int keep;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    /**
     * @param keep how many idle buffers to keep (a window's worth)
     */
    SessionSink(IoSession session, int keep) {
        this.session = session;
        this.keep = keep;
    }

    IoSession session() {
        return session;
    }

    @Override
    public ByteBuffer buffer(int capacity) {
        ByteBuffer b;
        synchronized (free) {
            b = free.pollFirst();
        }
        if (b == null || b.capacity() < capacity) {
            // direct up to jumbo-frame sizes: file reads and sends then copy nothing through
            // the JDK's temporary direct buffers; larger blocks stay on the heap
            b = capacity <= DIRECT_LIMIT ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        }
        b.clear();
        return b;
    }

    @Override
    public void send(ByteBuffer packet) {
        // with an empty write queue MINA sends inline and marks the future written before
        // returning; a queued datagram's buffer is simply not reused
        if (session.write(IoBuffer.wrap(packet)).isWritten()) {
            recycle(packet);
        }
    }

    private void recycle(ByteBuffer b) {
        synchronized (free) {
            if (free.size() < keep) {
                free.addLast(b);
            }
        }
    }
}
