package org.bootproxy.tftp.mina;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.mina.transport.socket.nio.NioDatagramAcceptor;

/**
 * Ephemeral ports for transfers (each transfer's TID), bound on the server's MINA acceptor.
 *
 * <p>Binding a port through MINA costs a round trip to its I/O thread (and MINA sleeps 10 ms in
 * every {@code bind}), so ports are bound in batches and reused: a port is given to one transfer
 * at a time, goes back at the end, and is handed out again only after a quarantine, so late
 * datagrams of a finished transfer meet "unknown transfer ID" rather than a newer transfer. Ports
 * come from the kernel's ephemeral range (bind to port 0), as RFC 1350's "randomly chosen" TIDs.
 *
 * <p>Threading: {@link #take()} binds and must never run on the acceptor's I/O thread (it would
 * wait for itself); {@link #release} may run anywhere. The pool's lock is never held while
 * binding, because binding waits for the I/O thread, which may be releasing a port; binding has
 * a lock of its own, so one thread binds at a time.
 */
final class PortPool {

    /**
     * Ports bound at once. Each MINA bind costs a round trip to its I/O thread and a 10 ms sleep,
     * so a burst of a thousand requests would wait ~30 binds in a row at 32 a batch; at 128 it
     * waits 8.
     */
    static final int BATCH = 128;
    static final long QUARANTINE_NANOS = 1_000_000_000L;

    private record Free(InetSocketAddress address, long since) {
    }

    private final NioDatagramAcceptor acceptor;
    private final InetAddress host;
    private final int limit;
    private final ArrayDeque<Free> free = new ArrayDeque<>();
    private final Set<SocketAddress> known = new HashSet<>();
    /** Held (without the pool's lock) by the one thread binding a batch. */
    private final Object binding = new Object();
    private int bound;

    /**
     * @param limit bound ports beyond which quarantined ports are reused instead of binding more
     */
    PortPool(NioDatagramAcceptor acceptor, InetAddress host, int limit) {
        this.acceptor = acceptor;
        this.host = host;
        this.limit = limit;
    }

    /**
     * A port for a new transfer. Never call it on the I/O thread. Many transfers start at once
     * (each on its own thread): one of them binds a batch while the others wait for it, so a
     * burst binds as many ports as it needs, not a batch per request.
     */
    InetSocketAddress take() throws IOException {
        InetSocketAddress a = takeFree();
        if (a != null) {
            return a;
        }
        synchronized (binding) {
            a = takeFree(); // another thread may have bound a batch meanwhile
            if (a != null) {
                return a;
            }
            List<InetSocketAddress> fresh = bindBatch();
            synchronized (this) {
                for (int i = fresh.size() - 1; i >= 1; i--) {
                    free.addFirst(new Free(fresh.get(i), 0));
                }
                return fresh.get(0);
            }
        }
    }

    /** A free port that may be handed out now, or null when a batch must be bound. */
    private synchronized InetSocketAddress takeFree() {
        Free f = free.peekFirst();
        if (f == null) {
            return null;
        }
        if (System.nanoTime() - f.since() >= QUARANTINE_NANOS || bound >= limit) {
            return free.pollFirst().address();
        }
        return null;
    }

    /** Binds a batch of fresh ports now (at start, so the first requests don't wait). */
    void prefill() throws IOException {
        List<InetSocketAddress> fresh = bindBatch();
        synchronized (this) {
            for (InetSocketAddress a : fresh) {
                free.addLast(new Free(a, 0));
            }
        }
    }

    /** A transfer is done with its port. */
    synchronized void release(InetSocketAddress a) {
        free.addLast(new Free(a, System.nanoTime()));
    }

    synchronized int bound() {
        return bound;
    }

    private List<InetSocketAddress> bindBatch() throws IOException {
        List<SocketAddress> request = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            request.add(new InetSocketAddress(host, 0));
        }
        acceptor.bind(request);
        List<InetSocketAddress> fresh = new ArrayList<>();
        synchronized (this) {
            for (SocketAddress a : acceptor.getLocalAddresses()) {
                if (known.add(a)) {
                    fresh.add((InetSocketAddress) a);
                }
            }
            bound += fresh.size();
        }
        if (fresh.isEmpty()) {
            throw new IOException("binding " + BATCH + " transfer ports on " + host.getHostAddress() + " gave none");
        }
        return fresh;
    }
}
