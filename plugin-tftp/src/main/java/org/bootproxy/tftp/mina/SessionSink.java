package org.bootproxy.tftp.mina;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.WriteFuture;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSession;
import org.bootproxy.tftp.transfer.PacketSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a transfer's packets from its own port (the MINA session's datagram channel) to its peer.
 *
 * <p>A datagram goes straight to the session's {@link DatagramChannel} (one non-blocking
 * {@code send}, in the caller's thread): MINA's write path would add a write request, a future, a
 * filter-chain pass each way and statistics per block, all for a datagram that is either taken
 * by the kernel at once or not at all. Only when the socket's send buffer is full (the
 * {@code send} takes nothing) does the datagram go through {@code session.write}, MINA's queue,
 * which sends it when the socket is writable; while anything is queued there, later datagrams
 * queue behind it, so a window's blocks leave in order. If MINA's channel cannot be reached (a
 * MINA version without the field), everything goes through {@code session.write}.
 *
 * <p>Packet buffers are recycled once sent, so a transfer in steady state allocates no packet
 * buffer. Called with the transfer's lock held (I/O thread or timer thread), so one at a time.
 */
final class SessionSink implements PacketSink {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSink.class);
    private static final int DIRECT_LIMIT = 9004;
    /** {@code NioSession.channel}: MINA has no public accessor for a session's channel. */
    private static final Field CHANNEL = channelField();

    private final IoSession session;
    private final DatagramChannel channel;
    private final SocketAddress peer;
    private final int keep;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    /** The last datagram handed to MINA's queue, until it is written. */
    private WriteFuture queued;

    /**
     * @param keep how many idle buffers to keep (a window's worth)
     */
    SessionSink(IoSession session, int keep) {
        this.session = session;
        this.channel = channelOf(session);
        this.peer = session.getRemoteAddress();
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
        if (channel != null && (queued == null || queued.isDone())) {
            queued = null;
            try {
                if (channel.send(packet, peer) > 0) {
                    recycle(packet);
                    return;
                }
            } catch (IOException e) {
                // as MINA reports a failed send: never fatal, the transfer's timer decides
                LOG.warn("TFTP: I/O error with {}: {}", peer, e.toString());
                return;
            }
        }
        // MINA sends it when the socket is writable, or at once if it can; a datagram still
        // queued is simply not reused
        WriteFuture f = session.write(IoBuffer.wrap(packet));
        if (f.isWritten()) {
            recycle(packet);
        } else {
            queued = f;
        }
    }

    private void recycle(ByteBuffer b) {
        synchronized (free) {
            if (free.size() < keep) {
                free.addLast(b);
            }
        }
    }

    private static DatagramChannel channelOf(IoSession session) {
        if (CHANNEL != null && session instanceof NioSession s) {
            try {
                return CHANNEL.get(s) instanceof DatagramChannel c ? c : null;
            } catch (IllegalAccessException e) {
                return null;
            }
        }
        return null;
    }

    private static Field channelField() {
        try {
            Field f = NioSession.class.getDeclaredField("channel");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(SessionSink.class).info(
                    "TFTP: MINA's session channel is not reachable ({}); sending through session.write", e.toString());
            return null;
        }
    }
}
