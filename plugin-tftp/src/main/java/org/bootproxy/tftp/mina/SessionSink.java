package org.bootproxy.tftp.mina;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.bootproxy.tftp.transfer.PacketSink;

/**
 * Sends a transfer's packets through its MINA session (the transfer's own port, to its peer).
 * Packet buffers are recycled when MINA reports them sent, so a transfer in steady state
 * allocates no packet buffer; with an empty write queue MINA sends inline, in the caller's
 * thread, so there is no thread hop per packet either.
 */
final class SessionSink implements PacketSink {

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
            b = ByteBuffer.allocate(capacity);
        }
        b.clear();
        return b;
    }

    @Override
    public void send(ByteBuffer packet) {
        session.write(IoBuffer.wrap(packet));
    }

    /** MINA sent this buffer's datagram: it may be reused. */
    void recycle(ByteBuffer b) {
        synchronized (free) {
            if (free.size() < keep) {
                free.addLast(b);
            }
        }
    }
}
