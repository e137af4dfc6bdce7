package org.bootproxy.tftp.mina;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells whether a datagram handled on the listening port arrived before a given moment, however
 * far behind the listener is: every {@value #PERIOD_MILLIS} ms a marker datagram (numbered, with a
 * secret no one else can see) is sent to the listening port from a socket of the server's own.
 * The listener reads its socket in order, so a datagram handled before marker {@code n} arrived
 * before marker {@code n} was sent.
 *
 * <p>Why: in a burst the listening socket can hold seconds of queued requests, among them copies
 * of an RRQ a client sent before its first DATA reached it. Handled after that client's transfer
 * completed, such a copy looks like a new request; with a mark taken at completion the server
 * knows it arrived before and drops it, while a request that really came later is served.
 *
 * <p>Markers start with opcode 0, which no TFTP packet has. Thread-safe.
 */
final class ListenerMarks implements AutoCloseable {

    static final long PERIOD_MILLIS = 100;
    private static final int LENGTH = 2 + 8 + 8;

    private final DatagramChannel channel;
    private final long secret;
    private final AtomicLong sent = new AtomicLong();
    private volatile long handled;
    private ScheduledFuture<?> ticks;

    private ListenerMarks(DatagramChannel channel, long secret) {
        this.channel = channel;
        this.secret = secret;
    }

    /**
     * Starts sending markers to {@code listening} (a wildcard address is reached on loopback).
     *
     * @throws IOException when no socket can reach it
     */
    static ListenerMarks start(InetSocketAddress listening, ScheduledExecutorService timer) throws IOException {
        InetAddress a = listening.getAddress();
        if (a.isAnyLocalAddress()) {
            a = InetAddress.getByName(a instanceof Inet6Address ? "::1" : "127.0.0.1");
        }
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.connect(new InetSocketAddress(a, listening.getPort()));
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        ListenerMarks m = new ListenerMarks(ch, new SecureRandom().nextLong());
        m.ticks = timer.scheduleAtFixedRate(m::send, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return m;
    }

    private void send() {
        long n = sent.get() + 1;
        ByteBuffer b = ByteBuffer.allocate(LENGTH).putShort((short) 0).putLong(secret).putLong(n).flip();
        try {
            channel.write(b);
        } catch (IOException e) {
            return; // not sent: the mark stays where it is, the caller's fallback limit applies
        }
        sent.set(n);
    }

    /** A mark for now: {@link #handledSince} it is true once a datagram sent after now was handled. */
    long mark() {
        return sent.get() + 1;
    }

    /** Whether the listener has handled the marker {@code mark}, so what it handles now came later. */
    boolean handledSince(long mark) {
        return handled >= mark;
    }

    /** On the listener: true (and recorded) when {@code buf} is one of these markers. */
    boolean take(ByteBuffer buf) {
        int p = buf.position();
        if (buf.remaining() != LENGTH || buf.getShort(p) != 0 || buf.getLong(p + 2) != secret) {
            return false;
        }
        long n = buf.getLong(p + 10);
        if (n > handled) {
            handled = n;
        }
        return true;
    }

    @Override
    public void close() {
        if (ticks != null) {
            ticks.cancel(false);
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through it that matters
        }
    }
}
