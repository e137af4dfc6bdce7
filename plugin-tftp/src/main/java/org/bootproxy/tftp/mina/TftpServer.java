package org.bootproxy.tftp.mina;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

/**
 * The TFTP server: Apache MINA acceptors and per-transfer connected sockets around
 * {@link ReadTransfer}, which holds the protocol.
 *
 * <h2>Shape</h2>
 * One {@link NioDatagramAcceptor} holds the listening port: requests, refusals, "server busy",
 * malformed datagrams. A second one holds the transfer ports (see {@link PortPool}), unconnected
 * and with {@code SO_REUSEADDR}: there MINA answers ERROR 5 to anyone who is not the port's
 * transfer peer (strangers only, so one I/O thread is plenty). Each transfer also binds the
 * same port with a socket connected to its peer ({@link TransferPort}): the peer's datagrams go
 * there, to one thread per transfer that hands them to the transfer, which answers inline, so the
 * steady state is a blocking {@code read} and a {@code write}, no selector, no thread hop (see
 * {@link TransferPort} for why). Starting a transfer (path policy, file open, taking a port) runs
 * on one "starter" thread, because MINA's {@code bind} must not run on an I/O thread. Timeouts
 * run on one timer thread.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>RRQ: files are opened only through the shared {@link ServedRoot} policy; missing file is
 *       ERROR 1, any refusal ERROR 2. WRQ: ERROR 2, the server is read-only.</li>
 *   <li>At {@code max_transfers} concurrent transfers a new request gets ERROR 0 "server busy"
 *       at once, from the listening port.</li>
 *   <li>Each transfer sends from its own port; a datagram on it from any other address/port gets
 *       ERROR 5 and does not touch the transfer (RFC 1350 section 4).</li>
 *   <li>Malformed datagrams: on the listening port ERROR 4 (never in answer to an ERROR); on a
 *       transfer port from the peer, dropped and counted. Nothing a client sends can throw out
 *       of the handler.</li>
 *   <li>A retransmitted RRQ (same peer and file while its transfer runs) is dropped: the running
 *       transfer's own retransmission answers it, and a second transfer would only earn ERROR 5s.</li>
 * </ul>
 *
 * <p>Lifecycle: {@link #start()} once, {@link #stop()} once. Thread-safe.
 */
public final class TftpServer {

    private static final Logger LOG = LoggerFactory.getLogger(TftpServer.class);
    /** netascii needs a pass over the file for tsize; above this, tsize is not offered. */
    private static final long NETASCII_TSIZE_LIMIT = 16L << 20;

    private final InetSocketAddress listen;
    private final ServedRoot root;
    private final TransferSettings settings;
    private final int maxTransfers;
    private final TftpMetrics metrics;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicReferenceArray<Active> byPort = new AtomicReferenceArray<>(65536);
    private final ConcurrentHashMap<SocketAddress, Active> byPeer = new ConcurrentHashMap<>();
    private NioDatagramAcceptor listener;
    private final List<ExecutorService> ioExecutors = new ArrayList<>();
    private NioDatagramAcceptor transferPorts;
    private PortPool ports;
    private ExecutorService starter;
    private ScheduledThreadPoolExecutor timer;
    private TransferClock clock;
    private volatile InetSocketAddress boundListen;
    private volatile boolean running;

    /** A running transfer. */
    private record Active(SocketAddress peer, String file, InetSocketAddress port, ReadTransfer transfer,
            TransferPort connected, String options) {
    }

    /**
     * @param listen where to listen (port 0: any free port, for tests)
     * @param root the served root; every file goes through its path policy
     * @param settings per-transfer limits
     * @param maxTransfers concurrent transfers before "server busy"
     * @param registry where {@code tftp.*} metrics go
     */
    public TftpServer(InetSocketAddress listen, ServedRoot root, TransferSettings settings, int maxTransfers,
            MetricRegistry registry) {
        if (maxTransfers < 1) {
            throw new IllegalArgumentException("max_transfers=" + maxTransfers + " must be at least 1");
        }
        this.listen = listen;
        this.root = root;
        this.settings = settings;
        this.maxTransfers = maxTransfers;
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
        starter = Executors.newSingleThreadExecutor(r -> daemon(r, "tftp-starter"));
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
        running = true;
        LOG.info("TFTP server listening on {} serving {} (max_blksize={} max_windowsize={} timeout={} retries={} "
                + "max_transfers={})", boundListen, root.root(), settings.maxBlksize(),
                settings.maxWindowsize(), settings.timeout(), settings.retries(), maxTransfers);
    }

    private NioDatagramAcceptor acceptor(Handler handler, boolean reuseAddress) {
        // an executor of ours: MINA would shutdownNow() one of its own on dispose, interrupting
        // its acceptor thread in a semaphore wait and logging that as an "Unexpected exception"
        ExecutorService io = Executors.newSingleThreadExecutor(r -> daemon(r, "tftp-io"));
        ioExecutors.add(io);
        NioDatagramAcceptor acceptor = new NioDatagramAcceptor(io);
        acceptor.setSessionRecycler(new TidSessionRecycler());
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
        if (starter != null) {
            starter.shutdownNow();
            try {
                starter.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Active a : byPeer.values()) {
            a.transfer().abort("server stopping");
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
                session.closeNow();
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
            case ERROR -> session.closeNow(); // never answer an ERROR
            case DATA, ACK, OACK -> {
                metrics.unknownTid.inc();
                replyAndClose(session, ErrorCode.UNKNOWN_TID, "Unknown transfer ID");
            }
        }
    }

    private void onReadRequest(IoSession session, TftpPacket.ReadRequest rrq) {
        SocketAddress peer = session.getRemoteAddress();
        Active existing = byPeer.get(peer);
        if (existing != null && existing.file().equals(rrq.filename())) {
            metrics.duplicateRequests.inc();
            session.closeNow();
            return;
        }
        if (!running) {
            session.closeNow();
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
        try {
            starter.execute(() -> startTransfer(session, rrq));
        } catch (RejectedExecutionException e) {
            active.decrementAndGet();
            session.closeNow();
        }
    }

    /** On the starter thread: path policy, file, options, port, then the first packet. */
    private void startTransfer(IoSession listenerSession, TftpPacket.ReadRequest rrq) {
        SocketAddress peer = listenerSession.getRemoteAddress();
        boolean started = false;
        ServedFile file = null;
        try {
            try {
                file = root.open(rrq.filename());
            } catch (PathRefusedException e) {
                metrics.refused.inc();
                boolean missing = e.reason() == PathRefusedException.Reason.NOT_FOUND;
                LOG.info("TFTP: refused request from {}: {} (ERROR {})", peer, e.getMessage(), missing ? 1 : 2);
                replyAndClose(listenerSession, missing ? ErrorCode.FILE_NOT_FOUND : ErrorCode.ACCESS_VIOLATION,
                        missing ? "File not found" : "Access violation");
                return;
            }
            OptionalLong tsize;
            if (rrq.mode() == TransferMode.OCTET) {
                tsize = OptionalLong.of(file.size());
            } else if (rrq.options().get("tsize").isPresent() && file.size() <= NETASCII_TSIZE_LIMIT) {
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
            Active a = new Active(peer, rrq.filename(), port, transfer, connected, optText);
            self[0] = a;
            byPort.set(port.getPort(), a);
            Active old = byPeer.put(peer, a);
            if (old != null) {
                old.transfer().abort("the client started another request from the same port");
            }
            listenerSession.closeNow();
            started = true;
            connected.receive("tftp-" + port.getPort(), datagram -> deliver(a, datagram));
            LOG.debug("TFTP: {} -> {} from port {} ({}), setup {} us", peer, rrq.filename(), port.getPort(), optText,
                    (System.nanoTime() - startNanos) / 1000);
            transfer.start();
        } catch (IOException | RuntimeException e) {
            LOG.warn("TFTP: cannot start transfer of {} for {}: {}", PathRefusedException.printable(rrq.filename()),
                    peer, e.toString());
            replyAndClose(listenerSession, ErrorCode.NOT_DEFINED, "server error");
        } finally {
            if (!started) {
                active.decrementAndGet();
                if (file != null) {
                    try {
                        file.close();
                    } catch (IOException ignored) {
                        // read-only
                    }
                }
            }
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
                session.closeNow();
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
                LOG.info("TFTP: sent {} to {} ({}): {} bytes in {} ms, {} retransmits", file, a.peer(), a.options(),
                        o.bytes(), ms, o.retransmits());
            }
            case CLIENT_ABORTED, SERVER_STOPPED -> {
                metrics.aborted.inc();
                LOG.info("TFTP: {} to {} ({}) ended after {} bytes in {} ms, {} retransmits: {}", file, a.peer(),
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
        byPeer.remove(a.peer(), a);
        ports.release(a.port());
        active.decrementAndGet();
    }

    private void replyAndClose(IoSession session, ErrorCode code, String message) {
        metrics.errors.inc();
        byte[] e = TftpCodec.encode(new TftpPacket.ErrorPacket(code, message));
        session.write(IoBuffer.wrap(e));
        session.closeOnFlush();
    }
}
