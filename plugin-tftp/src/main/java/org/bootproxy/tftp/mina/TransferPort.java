package org.bootproxy.tftp.mina;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.bootproxy.tftp.transfer.PacketSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transfer's exchange with its peer: a UDP socket bound to the transfer's port and
 * <em>connected</em> to the peer, with one thread that waits for the peer's datagrams on it.
 *
 * <h2>Why not through MINA's acceptor</h2>
 * A lockstep transfer is a ping-pong: per block the server receives an ACK and sends a DATA, and
 * what it does in between is the server's whole cost. Through MINA's acceptor that is
 * {@code epoll_wait}, a non-blocking receive into a fresh buffer, a session lookup, the filter
 * chain and statistics, then an unconnected {@code sendto} (a route lookup per datagram): about
 * 0.5 us of CPU per block more than tftpd-hpa, which waits in {@code recvfrom} on a socket of its
 * own. Here a blocked {@code read} on the connected socket returns the ACK, the transfer answers,
 * and {@code write} sends on the connected route: three system calls per block, no selector.
 * A thread per transfer is tftpd-hpa's and atftpd's model too (a process or thread each); the
 * thread is parked in the kernel between datagrams and has a small stack.
 *
 * <h2>Strangers still get ERROR 5</h2>
 * The server's MINA acceptor keeps the same port bound, unconnected; both sockets set
 * {@code SO_REUSEADDR} before binding. Linux delivers a datagram to the socket that matches it
 * best: the peer's (same address and port) to the connected one, anyone else's to MINA's, which
 * answers ERROR 5 without touching the transfer (RFC 1350 section 4). The peer learns the port
 * only from the first packet, which is sent from this socket after it is connected, so no
 * datagram of the peer can reach MINA's socket while the transfer runs.
 *
 * <p>Packet buffers are direct (file reads and sends copy nothing through the JDK's temporary
 * buffers) and recycled once sent, so a transfer in steady state allocates none. {@link #send}
 * blocks only while the socket's send buffer is full (a window of large blocks on a slow link):
 * that is the transfer's flow control. Thread-safe: sends come from the receiving thread or the
 * timer thread, with the transfer's lock held.
 */
final class TransferPort implements PacketSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransferPort.class);
    /** Datagrams a peer sends on a transfer port are ACKs (4 bytes) or ERRORs; longer ones are cut. */
    private static final int RECEIVE_BUFFER = 1024;
    private static final int DIRECT_LIMIT = 9004;

    private final DatagramChannel channel;
    private final SocketAddress peer;
    private final int keep;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    private TransferPort(DatagramChannel channel, SocketAddress peer, int keep) {
        this.channel = channel;
        this.peer = peer;
        this.keep = keep;
    }

    /**
     * Binds a socket to {@code local} (already bound by MINA with {@code SO_REUSEADDR}) and
     * connects it to {@code peer}.
     *
     * @param keep how many idle packet buffers to keep (a window's worth)
     */
    static TransferPort open(InetSocketAddress local, SocketAddress peer, int keep) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            ch.bind(local);
            ch.connect(peer);
            return new TransferPort(ch, peer, keep);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * On the calling thread (the transfer's own): hands each datagram from the peer to
     * {@code onDatagram} (a buffer from position 0 to the datagram's end, valid during the call)
     * until the port is closed, then returns.
     */
    void receive(Consumer<ByteBuffer> onDatagram) {
        ByteBuffer buf = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
        while (channel.isOpen()) {
            buf.clear();
            try {
                channel.read(buf);
            } catch (ClosedChannelException e) {
                return; // the transfer ended (AsynchronousCloseException when it ended meanwhile)
            } catch (PortUnreachableException e) {
                // ICMP from the peer's host: its port is closed (the client gave up). An ICMP
                // message is easily forged, so only the transfer's timeouts end it.
                continue;
            } catch (IOException e) {
                LOG.warn("TFTP: cannot receive from {}: {}; the transfer's timeouts will end it", peer, e.toString());
                return;
            }
            buf.flip();
            onDatagram.accept(buf);
        }
    }

    @Override
    public ByteBuffer buffer(int capacity) {
        ByteBuffer b;
        synchronized (free) {
            b = free.pollFirst();
        }
        if (b == null || b.capacity() < capacity) {
            // direct up to jumbo-frame sizes; larger blocks stay on the heap
            b = capacity <= DIRECT_LIMIT ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        }
        b.clear();
        return b;
    }

    @Override
    public void send(ByteBuffer packet) {
        try {
            channel.write(packet);
        } catch (ClosedChannelException e) {
            // the transfer ended while this packet was on its way out
        } catch (PortUnreachableException e) {
            LOG.debug("TFTP: {} reported its port unreachable", peer);
        } catch (IOException e) {
            // never fatal: the transfer's timer decides
            LOG.warn("TFTP: I/O error with {}: {}", peer, e.toString());
        } finally {
            synchronized (free) {
                if (free.size() < keep) {
                    free.addLast(packet);
                }
            }
        }
    }

    /** Closes the socket; the receiving thread ends. Idempotent. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("TFTP: closing the port for {}: {}", peer, e.toString());
        }
    }
}
