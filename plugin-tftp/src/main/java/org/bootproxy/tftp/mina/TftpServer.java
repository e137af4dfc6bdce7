package org.bootproxy.tftp.mina;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.DatagramSessionConfig;
import org.apache.mina.transport.socket.nio.NioDatagramAcceptor;
import org.bootproxy.spi.files.PathRefusedException;
import org.bootproxy.spi.files.ServedFile;
import org.bootproxy.spi.files.ServedRoot;
import org.bootproxy.tftp.protocol.ErrorCode;
import org.bootproxy.tftp.protocol.MalformedPacketException;
import org.bootproxy.tftp.protocol.TftpCodec;
import org.bootproxy.tftp.protocol.TftpPacket;
import org.bootproxy.tftp.protocol.TransferMode;
import org.bootproxy.tftp.transfer.BlockSource;
import org.bootproxy.tftp.transfer.NegotiatedOptions;
import org.bootproxy.tftp.transfer.Negotiation;
import org.bootproxy.tftp.transfer.NetasciiSource;
import org.bootproxy.tftp.transfer.OctetSource;
import org.bootproxy.tftp.transfer.ReadTransfer;
import org.bootproxy.tftp.transfer.SchedulerClock;
import org.bootproxy.tftp.transfer.TransferClock;
import org.bootproxy.tftp.transfer.TransferOutcome;
import org.bootproxy.tftp.transfer.TransferSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bootproxy.spi.log.LogSafe;

/**
 * The TFTP server: Apache MINA for the listening port and for strangers on transfer ports,
 * per-transfer connected sockets (and threads) for the transfers themselves; {@link ReadTransfer}
 * holds the protocol.
 *
 * <h2>What MINA does, and what it does not</h2>
 * One {@link NioDatagramAcceptor} holds the listening port: every request (RRQ, WRQ) and every
 * answer sent from that port (refusals, "server busy", ERROR 4 to malformed datagrams) goes
 * through it. A second one holds the transfer ports (see {@link PortPool}), unconnected and with
 * {@code SO_REUSEADDR}; on them MINA only answers ERROR 5 to anyone who is not the port's transfer
 * peer (strangers, so one I/O thread is plenty). MINA carries no transfer traffic: each transfer
 * binds the same port with a socket connected to its peer ({@link TransferPort}), and the peer's
 * ACKs go there, to the transfer's own thread, which answers inline with the next DATA, so the
 * steady state is a blocking {@code read} and a {@code write}, no selector, no thread hop (see
 * {@link TransferPort} for why). So MINA is the first-packet listener and the stranger filter;
 * the data path is plain JDK {@link java.nio.channels.DatagramChannel}s.
 *
 * <h2>Starting transfers</h2>
 * The listener's I/O thread does only what needs no file system and no bind: decode, the
 * duplicate check, the {@code max_transfers} and {@code max_transfers_per_client} slots. Then the
 * request gets its own thread, which opens the file (path policy), negotiates options (a netascii
 * {@code tsize} reads the file there), takes a port, sends the first packet and then stays as the
 * transfer's receiving thread. So requests start in parallel: a slow file system or a large
 * netascii file delays only its own request, and a burst of requests does not queue behind one
 * starter. Timeouts run on one timer thread.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>RRQ: files are opened only through the shared {@link ServedRoot} policy; missing file (or a
 *       name no file can have) is ERROR 1, any other refusal ERROR 2. WRQ: ERROR 2, the server is
 *       read-only.</li>
 *   <li>At {@code max_transfers} concurrent transfers (counted from the request, starting ones
 *       included) a new request gets ERROR 0 "server busy" at once, from the listening port; so
 *       does one from an address that already has {@code max_transfers_per_client}.</li>
 *   <li>Each transfer sends from its own port; a datagram on it from any other address/port gets
 *       ERROR 5 and does not touch the transfer (RFC 1350 section 4).</li>
 *   <li>Malformed datagrams: on the listening port ERROR 4 (never in answer to an ERROR); on a
 *       transfer port from the peer, dropped and counted. Nothing a client sends can throw out
 *       of the handler.</li>
 *   <li>A repeated RRQ (same address, port and file) while its request is being started or its
 *       transfer runs is a retransmission of it (a client whose first DATA was late): counted and
 *       dropped, never a second transfer and never the end of the live one; the live transfer's
 *       own timeout resends what the client misses. One exception keeps a quick client quick: a
 *       client that ends its transfer with an ERROR and at once asks again (a {@code tsize} probe,
 *       then the download) may have its RRQ handled before its ERROR; the latest repeat is kept,
 *       and served as a new request when the client's ERROR ends the transfer within
 *       {@link #PARKED_NANOS} of it. A repeat handled after the transfer completed but that
 *       arrived before (told by {@link ListenerMarks}; a burst can leave seconds of requests
 *       queued in the listening socket) is a late copy too, and dropped.</li>
 *   <li>An RRQ from the same address and port for another file ends that port's previous
 *       request: the client has moved on (a transfer whose every block went out ends
 *       unconfirmed, as when its final ACK never comes).</li>
 * </ul>
 *
 * <p>Lifecycle: {@link #start()} once, {@link #stop()} once. Thread-safe.
 */
public final class TftpServer {

    private static final Logger LOG = LoggerFactory.getLogger(TftpServer.class);
    /** netascii needs a pass over the file for tsize; above this, tsize is not offered. */
    private static final long NETASCII_TSIZE_LIMIT = 16L << 20;
    /**
     * A repeated RRQ received at most this long before its client ended the transfer with an
     * ERROR is served as a new request (see the class comment).
     */
    static final long PARKED_NANOS = 1_000_000_000L;
    private static final long STACK_SIZE = 256 * 1024;
    /**
     * The longest a completed transfer's peer's RRQ for its file may be taken for a late copy.
     * A client asks again only before its first DATA, but in a burst that copy can wait in the
     * listening socket for seconds, and served it would start a transfer nobody waits for. Which
     * copies arrived before the completion is told by {@link ListenerMarks}; this bounds it (and
     * is the whole rule, at {@link #FALLBACK_LINGER_NANOS}, when markers cannot be sent).
     */
    static final long MAX_LINGER_NANOS = 60_000_000_000L;
    static final long FALLBACK_LINGER_NANOS = 5_000_000_000L;

    private final InetSocketAddress listen;
    private final ServedRoot root;
    private final TransferSettings settings;
    private final int maxTransfers;
    private final int maxPerClient;
    private final TftpMetrics metrics;
    /** Requests holding a slot: being started or transferring. */
    private final AtomicInteger active = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Active> byPort = new AtomicReferenceArray<>(65536);
    private final ConcurrentHashMap<SocketAddress, Request> byPeer = new ConcurrentHashMap<>();
    /** Transfers completed in the last {@link #MAX_LINGER_NANOS}, by peer. */
    private final ConcurrentHashMap<SocketAddress, Completed> completed = new ConcurrentHashMap<>();
    private NioDatagramAcceptor listener;
    /** MINA's sessions of both acceptors (keys hold the local port). */
    private final TidSessionRecycler sessions = new TidSessionRecycler();
    private final List<ExecutorService> ioExecutors = new ArrayList<>();
    private NioDatagramAcceptor transferPorts;
    private PortPool ports;
    private ScheduledThreadPoolExecutor timer;
    private TransferClock clock;
    private volatile ListenerMarks marks;
    private volatile InetSocketAddress boundListen;
    private volatile boolean running;

    /** A repeated RRQ received while its transfer ran, kept in case the client was ending it. */
    private record Parked(IoSession session, TftpPacket.ReadRequest rrq, long atNanos) {
    }

    /** A transfer that completed: its client's late RRQ copies are not new requests. */
    private record Completed(String file, long atNanos, long mark) {
    }

    /** A running transfer. */
    private record Active(Request request, InetSocketAddress port, ReadTransfer transfer, TransferPort connected,
            String options) {

        SocketAddress peer() {
            return request.peer;
        }

        String file() {
            return request.file;
        }
    }

    /**
     * One request (peer address and port, file) from its RRQ to its end: first being started,
     * then its transfer. Holds one {@code max_transfers} slot and one of its client's
     * {@code max_transfers_per_client} slots until {@link #releaseSlots}.
     */
    private static final class Request {
        final SocketAddress peer;
        final InetAddress client;
        final String file;
        /** The listening port's MINA session the RRQ came on: refusals are sent on it. */
        final IoSession listenerSession;
        final AtomicBoolean released = new AtomicBoolean();
        private Active active; // guarded by this
        private boolean cancelled; // guarded by this
        private Parked parked; // guarded by this

        Request(SocketAddress peer, String file, IoSession listenerSession) {
            this.peer = peer;
            this.client = ((InetSocketAddress) peer).getAddress();
            this.file = file;
            this.listenerSession = listenerSession;
        }

        /** Makes {@code a} this request's transfer; false when the request was cancelled first. */
        synchronized boolean attach(Active a) {
            if (cancelled) {
                return false;
            }
            active = a;
            return true;
        }

        synchronized boolean started() {
            return active != null;
        }

        /** Keeps the latest repeated RRQ; returns the session of the one it replaces, or null. */
        synchronized IoSession park(Parked p) {
            IoSession before = parked == null ? null : parked.session();
            parked = p;
            return before == p.session() ? null : before;
        }

        synchronized Parked takeParked() {
            Parked p = parked;
            parked = null;
            return p;
        }

        /** Ends the transfer, or keeps a request still being started from starting. */
        void cancel(String why) {
            ReadTransfer t = cancelled();
            if (t != null) {
                t.abort(why);
            }
        }

        /**
         * Like {@link #cancel} because the client asked for another file from the same address and
         * port: it has moved on ({@link ReadTransfer#supersede}).
         */
        void supersede() {
            ReadTransfer t = cancelled();
            if (t != null) {
                t.supersede("the client started another request from the same port");
            }
        }

        private synchronized ReadTransfer cancelled() {
            cancelled = true;
            return active == null ? null : active.transfer();
        }
    }

    /**
     * A server without a per-client limit ({@code max_transfers_per_client} = {@code max_transfers}).
     *
     * @see #TftpServer(InetSocketAddress, ServedRoot, TransferSettings, int, int, MetricRegistry)
     */
    public TftpServer(InetSocketAddress listen, ServedRoot root, TransferSettings settings, int maxTransfers,
            MetricRegistry registry) {
        this(listen, root, settings, maxTransfers, maxTransfers, registry);
    }

    /**
     * @param listen where to listen (port 0: any free port, for tests)
     * @param root the served root; every file goes through its path policy
     * @param settings per-transfer limits
     * @param maxTransfers concurrent transfers before "server busy"
     * @param maxPerClient concurrent transfers of one client address before "server busy"
     * @param registry where {@code tftp.*} metrics go
     */
    public TftpServer(InetSocketAddress listen, ServedRoot root, TransferSettings settings, int maxTransfers,
            int maxPerClient, MetricRegistry registry) {
        if (maxTransfers < 1) {
            throw new IllegalArgumentException("max_transfers=" + maxTransfers + " must be at least 1");
        }
        if (maxPerClient < 1) {
            throw new IllegalArgumentException("max_transfers_per_client=" + maxPerClient + " must be at least 1");
        }
        this.listen = listen;
        this.root = root;
        this.settings = settings;
        this.maxTransfers = maxTransfers;
        this.maxPerClient = Math.min(maxPerClient, maxTransfers);
        this.metrics = new TftpMetrics(registry, active::get);
    }

    /** Binds the listening port and a first batch of transfer ports. */
    public synchronized void start() throws IOException {
        if (listener != null) {
            throw new IllegalStateException("already started");
        }
        timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "tftp-timer"));
        timer.setRemoveOnCancelPolicy(true);
        clock = new SchedulerClock(timer);
        Handler handler = new Handler();
        try {
            // the well-known port without SO_REUSEADDR: a port in use is an error, not shared
            listener = acceptor(handler, false);
            listener.bind(listen);
            boundListen = (InetSocketAddress) listener.getLocalAddresses().iterator().next();
            // transfer ports with it: each is shared with its transfer's connected socket
            transferPorts = acceptor(handler, true);
            ports = new PortPool(transferPorts, listen.getAddress(), 2 * maxTransfers + PortPool.BATCH);
            ports.prefill();
        } catch (IOException | RuntimeException e) {
            stop();
            throw e instanceof IOException io ? io : new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        try {
            marks = ListenerMarks.start(boundListen, timer);
        } catch (IOException | RuntimeException e) {
            LOG.warn("TFTP: cannot send queue markers to {} ({}): a late copy of an RRQ is recognized only "
                    + "within {} s of its transfer's end", boundListen, e.toString(), FALLBACK_LINGER_NANOS / 1_000_000_000L);
        }
        running = true;
        LOG.info("TFTP server listening on {} serving {} (max_blksize={} max_windowsize={} timeout={} retries={} "
                + "max_transfers={} max_transfers_per_client={})", boundListen, root.root(), settings.maxBlksize(),
                settings.maxWindowsize(), settings.timeout(), settings.retries(), maxTransfers, maxPerClient);
    }

    private NioDatagramAcceptor acceptor(Handler handler, boolean reuseAddress) {
        // an executor of ours: MINA would shutdownNow() one of its own on dispose, interrupting
        // its acceptor thread in a semaphore wait and logging that as an "Unexpected exception"
        ExecutorService io = Executors.newSingleThreadExecutor(r -> daemon(r, "tftp-io"));
        ioExecutors.add(io);
        NioDatagramAcceptor acceptor = new NioDatagramAcceptor(io);
        acceptor.setSessionRecycler(sessions);
        DatagramSessionConfig cfg = acceptor.getSessionConfig();
        // MINA allocates this much per datagram; requests beyond it are truncated (and then
        // malformed), as tftpd-hpa reads at most 516 bytes
        cfg.setReadBufferSize(1024);
        cfg.setReceiveBufferSize(1 << 20);
        cfg.setSendBufferSize(1 << 20);
        cfg.setCloseOnPortUnreachable(false);
        cfg.setReuseAddress(reuseAddress); // MINA applies it before binding
        acceptor.setHandler(handler);
        return acceptor;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The bound listening address (with the real port when 0 was asked). */
    public InetSocketAddress localAddress() {
        return boundListen;
    }

    public boolean isRunning() {
        return running;
    }

    public int activeTransfers() {
        return active.get();
    }

    public TftpMetrics metrics() {
        return metrics;
    }

    /** Ends every transfer (nothing more is sent), closes every port. Idempotent. */
    public synchronized void stop() {
        running = false;
        // a request accepted before running turned false is in byPeer by now, or it sees
        // running == false after attaching (see startTransfer): either way it ends here
        for (Request r : byPeer.values()) {
            r.cancel("server stopping");
        }
        if (transferPorts != null) {
            dispose(transferPorts);
            transferPorts = null;
        }
        if (listener != null) {
            dispose(listener);
            listener = null;
        }
        for (ExecutorService io : ioExecutors) {
            io.shutdown(); // the disposed acceptor's loop has ended or is ending: no interrupt
        }
        for (ExecutorService io : ioExecutors) {
            try {
                io.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ioExecutors.clear();
        if (marks != null) {
            marks.close();
            marks = null;
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        metrics.unregister();
        if (boundListen != null) {
            LOG.info("TFTP server on {} stopped", boundListen);
        }
    }

    private static void dispose(NioDatagramAcceptor acceptor) {
        try {
            acceptor.unbind();
        } catch (RuntimeException e) {
            LOG.warn("TFTP server: unbinding failed: {}", e.toString());
        }
        acceptor.dispose(true);
    }

    // ---------------------------------------------------------------------------------- I/O

    private final class Handler extends IoHandlerAdapter {

        @Override
        public void messageReceived(IoSession session, Object message) {
            ByteBuffer buf = ((IoBuffer) message).buf();
            int localPort = ((InetSocketAddress) session.getLocalAddress()).getPort();
            if (localPort == boundListen.getPort()) {
                ListenerMarks m = marks;
                if (m != null && m.take(buf)) {
                    return; // the marker's session is kept: one peer, reused every time
                }
                onListener(session, buf);
            } else {
                onTransferPort(session, localPort, buf);
            }
        }

        @Override
        public void exceptionCaught(IoSession session, Throwable cause) {
            // a send that failed (e.g. the peer's network went away) or a bug: never fatal
            LOG.warn("TFTP: I/O error with {}: {}", session.getRemoteAddress(), cause.toString());
            LOG.debug("TFTP: I/O error detail", cause);
        }
    }

    private void onListener(IoSession session, ByteBuffer buf) {
        TftpPacket p;
        try {
            p = TftpCodec.decode(buf);
        } catch (MalformedPacketException e) {
            metrics.malformed.inc();
            LOG.debug("TFTP: malformed request from {}: {}", session.getRemoteAddress(), e.getMessage());
            int opcode = buf.remaining() >= 2 ? buf.getShort(buf.position()) & 0xFFFF : -1;
            if (opcode != 5) {
                replyAndClose(session, ErrorCode.ILLEGAL_OPERATION, "malformed request: " + e.getMessage());
            } else {
                release(session);
            }
            return;
        }
        switch (p.opcode()) {
            case RRQ -> onReadRequest(session, (TftpPacket.ReadRequest) p);
            case WRQ -> {
                metrics.refused.inc();
                LOG.info("TFTP: refused write request for {} from {}: the server is read-only",
                        PathRefusedException.printable(((TftpPacket.WriteRequest) p).filename()),
                        session.getRemoteAddress());
                replyAndClose(session, ErrorCode.ACCESS_VIOLATION, "read-only server: write requests are refused");
            }
            case ERROR -> release(session); // never answer an ERROR
            case DATA, ACK, OACK -> {
                metrics.unknownTid.inc();
                replyAndClose(session, ErrorCode.UNKNOWN_TID, "Unknown transfer ID");
            }
        }
    }

    private void onReadRequest(IoSession received, TftpPacket.ReadRequest rrq) {
        SocketAddress peer = received.getRemoteAddress();
        IoSession session = received;
        if (!sessions.isCurrent(session)) {
            // the session of this peer's previous request, let go of (see release) just after
            // MINA handed it this datagram: answers need a live one
            try {
                session = listener.newSession(peer, boundListen);
            } catch (RuntimeException e) {
                LOG.debug("TFTP: no session for {}: {}", peer, e.toString());
                return;
            }
        }
        Request existing = byPeer.get(peer);
        if (existing != null && existing.file.equals(rrq.filename())) {
            onRepeatedRequest(session, rrq, existing);
            return;
        }
        Completed done = completed.get(peer);
        if (done != null && done.file().equals(rrq.filename()) && lateCopy(done)) {
            metrics.duplicateRequests.inc();
            LOG.debug("TFTP: request for {} from {} just after its transfer completed: a late retransmission, dropped",
                    PathRefusedException.printable(rrq.filename()), peer);
            release(session);
            return;
        }
        if (!running) {
            release(session);
            return;
        }
        if (active.incrementAndGet() > maxTransfers) {
            active.decrementAndGet();
            metrics.busy.inc();
            LOG.info("TFTP: server busy ({} transfers), refused {} for {}", maxTransfers,
                    PathRefusedException.printable(rrq.filename()), peer);
            replyAndClose(session, ErrorCode.NOT_DEFINED, "server busy");
            return;
        }
        Request request = new Request(peer, rrq.filename(), session);
        if (!takeClientSlot(request.client)) {
            active.decrementAndGet();
            metrics.busy.inc();
            LOG.info("TFTP: {} already has {} transfers (max_transfers_per_client), refused {} for {}",
                    request.client.getHostAddress(), maxPerClient, PathRefusedException.printable(rrq.filename()),
                    peer);
            replyAndClose(session, ErrorCode.NOT_DEFINED, "server busy");
            return;
        }
        Request previous = byPeer.put(peer, request);
        if (previous != null) {
            previous.supersede();
        }
        try {
            Thread t = new Thread(null, () -> startTransfer(request, rrq), "tftp-start", STACK_SIZE);
            t.setDaemon(true);
            t.start();
        } catch (OutOfMemoryError e) {
            // the JDK's way of saying that no more threads can be created
            byPeer.remove(peer, request);
            releaseSlots(request);
            metrics.busy.inc();
            LOG.warn("TFTP: cannot start a thread for {} from {}: {}", PathRefusedException.printable(rrq.filename()),
                    peer, e.toString());
            replyAndClose(session, ErrorCode.NOT_DEFINED, "server busy");
        }
    }

    /**
     * The same peer asks for the same file again while its request lives: a retransmitted RRQ,
     * dropped; the latest one is kept aside (see the class comment and {@link #finished}).
     */
    private void onRepeatedRequest(IoSession session, TftpPacket.ReadRequest rrq, Request existing) {
        metrics.duplicateRequests.inc();
        LOG.debug("TFTP: repeated request for {} from {}: a retransmission, dropped",
                PathRefusedException.printable(rrq.filename()), existing.peer);
        IoSession before = existing.started() ? existing.park(new Parked(session, rrq, System.nanoTime())) : session;
        if (before != null && before != existing.listenerSession) {
            release(before); // (the request's own session is kept for its refusal)
        }
    }

    /** Whether an RRQ handled now for a completed transfer's peer and file arrived before its end. */
    private boolean lateCopy(Completed done) {
        long age = System.nanoTime() - done.atNanos();
        ListenerMarks m = marks;
        return m == null ? age < FALLBACK_LINGER_NANOS : age < MAX_LINGER_NANOS && !m.handledSince(done.mark());
    }

    private boolean takeClientSlot(InetAddress client) {
        boolean[] taken = {false};
        perClient.compute(client, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerClient) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    /** Gives back a request's slots, once. */
    private void releaseSlots(Request r) {
        if (r.released.compareAndSet(false, true)) {
            perClient.computeIfPresent(r.client, (k, n) -> n <= 1 ? null : n - 1);
            active.decrementAndGet();
        }
    }

    /**
     * On the request's own thread: path policy, file, options, port, the first packet; then the
     * thread stays as the transfer's receiving thread until the transfer ends.
     */
    private void startTransfer(Request request, TftpPacket.ReadRequest rrq) {
        SocketAddress peer = request.peer;
        IoSession listenerSession = request.listenerSession;
        Active started = null;
        ServedFile file = null;
        try {
            try {
                file = root.open(rrq.filename());
            } catch (PathRefusedException e) {
                metrics.refused.inc();
                boolean missing = e.reason() == PathRefusedException.Reason.NOT_FOUND;
                LOG.info("TFTP: refused request from {}: {} (ERROR {})", peer, e.getMessage(), missing ? 1 : 2);
                reply(listenerSession, missing ? ErrorCode.FILE_NOT_FOUND : ErrorCode.ACCESS_VIOLATION,
                        missing ? "File not found" : "Access violation");
                return;
            }
            OptionalLong tsize;
            if (rrq.mode() == TransferMode.OCTET) {
                tsize = OptionalLong.of(file.size());
            } else if (rrq.options().get("tsize").isPresent() && file.size() <= NETASCII_TSIZE_LIMIT) {
                // a pass over the file, on this request's thread only
                tsize = OptionalLong.of(NetasciiSource.convertedSize(file.channel()));
            } else {
                tsize = OptionalLong.empty();
            }
            NegotiatedOptions opts = Negotiation.negotiate(rrq.options(), settings, tsize);
            BlockSource source = rrq.mode() == TransferMode.OCTET
                    ? new OctetSource(file.channel(), opts.blksize())
                    : new NetasciiSource(file.channel(), opts.blksize());
            long startNanos = System.nanoTime();
            InetSocketAddress port = ports.take();
            TransferPort connected;
            try {
                connected = TransferPort.open(port, peer, opts.windowsize() + 2);
            } catch (IOException | RuntimeException e) {
                ports.release(port);
                throw e;
            }
            String optText = "mode=" + rrq.mode().wire() + (opts.oack().isEmpty() ? "" : " " + opts.oack());
            Active[] self = new Active[1];
            ReadTransfer transfer = new ReadTransfer(opts, source, connected, clock, settings.retries(),
                    outcome -> finished(self[0], outcome));
            Active a = new Active(request, port, transfer, connected, optText);
            self[0] = a;
            byPort.set(port.getPort(), a);
            if (!request.attach(a)) {
                // replaced by another request from the same port, or the server is stopping
                byPort.compareAndSet(port.getPort(), a, null);
                connected.close();
                ports.release(port);
                return;
            }
            started = a;
            if (!running) {
                request.cancel("server stopping"); // stop() may have looked before attach
            }
            Thread.currentThread().setName("tftp-" + port.getPort());
            LOG.debug("TFTP: {} -> {} from port {} ({}), setup {} us", peer, rrq.filename(), port.getPort(), optText,
                    (System.nanoTime() - startNanos) / 1000);
            transfer.start();
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.warn("TFTP: cannot start transfer of {} for {}: {}",
                        PathRefusedException.printable(rrq.filename()), peer, e.toString());
                reply(listenerSession, ErrorCode.NOT_DEFINED, "server error");
            }
        } finally {
            // the RRQ is answered (first packet or refusal): the listening session is done with,
            // unless a newer request of the same peer came on it and still needs it
            Request now = byPeer.get(peer);
            if (now == null || now == request || now.listenerSession != listenerSession) {
                release(listenerSession);
            }
            if (started == null) {
                byPeer.remove(peer, request);
                releaseSlots(request);
                if (file != null) {
                    try {
                        file.close();
                    } catch (IOException ignored) {
                        // read-only
                    }
                }
            }
        }
        if (started != null) {
            Active a = started;
            a.connected().receive(datagram -> deliver(a, datagram));
        }
    }

    private void onTransferPort(IoSession session, int localPort, ByteBuffer buf) {
        Active a = byPort.get(localPort);
        if (a == null || !a.peer().equals(session.getRemoteAddress())) {
            // RFC 1350 section 4: a datagram from a stranger gets ERROR 5; the transfer is untouched
            metrics.unknownTid.inc();
            boolean isError = buf.remaining() >= 2 && (buf.getShort(buf.position()) & 0xFFFF) == 5;
            if (!isError) {
                replyAndClose(session, ErrorCode.UNKNOWN_TID, "Unknown transfer ID");
            } else {
                release(session);
            }
            return;
        }
        // the peer's datagrams normally reach its connected socket, not this one (see TransferPort)
        deliver(a, buf);
    }

    /** A datagram from a transfer's peer, on the transfer's connected socket or (rarely) MINA's. */
    private void deliver(Active a, ByteBuffer buf) {
        int pos = buf.position();
        if (buf.remaining() >= 4 && buf.getShort(pos) == 4) {
            // the hot path: an ACK, without building a packet object
            a.transfer().onAck(buf.getShort(pos + 2) & 0xFFFF);
            return;
        }
        TftpPacket p;
        try {
            p = TftpCodec.decode(buf);
        } catch (MalformedPacketException e) {
            metrics.malformed.inc();
            LOG.debug("TFTP: malformed datagram from {} during {}: {}", a.peer(), a.file(), e.getMessage());
            return;
        }
        a.transfer().onPacket(p);
    }

    /** Called by the transfer, under its lock, exactly once. */
    private void finished(Active a, TransferOutcome o) {
        long ms = o.durationNanos() / 1_000_000;
        String file = PathRefusedException.printable(a.file());
        switch (o.result()) {
            case COMPLETED -> {
                metrics.completed.inc();
                ListenerMarks m = marks;
                Completed c = new Completed(a.file(), System.nanoTime(), m == null ? 0 : m.mark());
                completed.put(a.peer(), c);
                try {
                    timer.schedule(() -> completed.remove(a.peer(), c), MAX_LINGER_NANOS, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    completed.remove(a.peer(), c); // stopping
                }
                LOG.info("TFTP: sent {} to {} ({}): {} bytes in {} ms, {} retransmits", file, a.peer(), a.options(),
                        o.bytes(), ms, o.retransmits());
            }
            case CLIENT_ABORTED, SERVER_STOPPED -> {
                metrics.aborted.inc();
                LOG.info("TFTP: {} to {} ({}) ended after {} bytes in {} ms, {} retransmits: {}", file, a.peer(),
                        a.options(), o.bytes(), ms, o.retransmits(), LogSafe.escape(o.detail()));
            }
            case UNCONFIRMED -> {
                metrics.unconfirmed.inc();
                LOG.info("TFTP: sent {} to {} ({}): {} bytes in {} ms, {} retransmits; {}", file, a.peer(),
                        a.options(), o.bytes(), ms, o.retransmits(), o.detail());
            }
            case TIMED_OUT -> {
                metrics.timedOut.inc();
                metrics.errors.inc();
                LOG.warn("TFTP: abandoned {} to {} ({}) after {} bytes in {} ms, {} retransmits: {}", file, a.peer(),
                        a.options(), o.bytes(), ms, o.retransmits(), o.detail());
            }
            case READ_ERROR -> {
                metrics.failed.inc();
                metrics.errors.inc();
                LOG.warn("TFTP: failed {} to {} ({}) after {} bytes in {} ms: {}", file, a.peer(), a.options(),
                        o.bytes(), ms, o.detail());
            }
        }
        metrics.bytes.inc(o.bytes());
        metrics.retransmits.inc(o.retransmits());
        a.connected().close();
        byPort.compareAndSet(a.port().getPort(), a, null);
        byPeer.remove(a.peer(), a.request());
        ports.release(a.port());
        releaseSlots(a.request());
        Parked p = a.request().takeParked();
        if (p != null) {
            if (o.result() == TransferOutcome.Result.CLIENT_ABORTED && System.nanoTime() - p.atNanos() < PARKED_NANOS
                    && running) {
                // the client ended this transfer and asked again (a tsize probe, then the download):
                // a new request, served now rather than after the client's retransmission timeout
                try {
                    timer.execute(() -> onReadRequest(p.session(), p.rrq()));
                } catch (RejectedExecutionException e) {
                    release(p.session());
                }
            } else if (p.session() != a.request().listenerSession) {
                release(p.session());
            }
        }
    }

    private void replyAndClose(IoSession session, ErrorCode code, String message) {
        reply(session, code, message);
        release(session);
    }

    /**
     * Done with a MINA session: it is forgotten at once, so the peer's next datagram gets a new
     * session, and closed once what was written on it is sent. (Closing alone would leave it in
     * place until then, and an answer written on it meanwhile would be dropped.)
     */
    private void release(IoSession session) {
        sessions.remove(session);
        session.closeOnFlush();
    }

    private void reply(IoSession session, ErrorCode code, String message) {
        metrics.errors.inc();
        byte[] e = TftpCodec.encode(new TftpPacket.ErrorPacket(code, message));
        session.write(IoBuffer.wrap(e));
    }
}
