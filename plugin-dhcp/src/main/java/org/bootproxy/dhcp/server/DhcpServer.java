package org.bootproxy.dhcp.server;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.DatagramSessionConfig;
import org.apache.mina.transport.socket.nio.NioDatagramAcceptor;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.protocol.DhcpCodec;
import org.bootproxy.dhcp.protocol.DhcpMessage;
import org.bootproxy.dhcp.protocol.MalformedPacketException;
import org.bootproxy.dhcp.protocol.MessageType;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.Ipv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded DHCPv4 server (and proxyDHCP) on Apache MINA UDP.
 *
 * <h2>Sockets</h2>
 * It binds only what {@code plugins.dhcp.interfaces} names; with none it binds nothing. For each
 * named interface (or address) it binds {@code <address>:67} — the socket that receives unicasts
 * (renewals, relays) and sends every reply of that interface, so a broadcast reply leaves through
 * the right interface (Linux routes a limited broadcast by the socket's source address) — and,
 * in proxy mode, {@code <address>:4011}. One extra socket on {@code 0.0.0.0:67} receives the
 * clients' broadcasts, which no address-bound socket sees. All use {@code SO_REUSEADDR} and
 * {@code SO_BROADCAST}. Each socket has its own MINA acceptor, because MINA keys datagram
 * sessions by remote address only.
 *
 * <p>The JDK cannot tell on which interface a broadcast arrived (no {@code IP_PKTINFO} and no
 * {@code SO_BINDTODEVICE}). With one interface that is no question. With several, a broadcast
 * is attributed by its relay address, client address, or the client's reservation or lease;
 * a new client's broadcast that matches none is dropped and counted as ignored (use one
 * interface per bootproxy, or relays, when several segments need dynamic addresses).
 *
 * <h2>Threads</h2>
 * MINA's I/O thread decodes the datagram (malformed ones are dropped and counted there, never
 * answered) and hands it to a small bounded worker pool. A REQUEST does not hold its worker while
 * the lease becomes durable: the store's write future completes the ACK later
 * ({@link LeaseStore#saveLeaseAsync}), so every ACK pending at a moment shares the next group
 * commit, and DISCOVERs are never queued behind fsyncs. DECLINE and RELEASE, which wait for a
 * synchronous store write, have their own small pool. A full queue drops the datagram
 * ({@code dhcp.server.dropped.overload}); the client retransmits.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #stop()} once (idempotent). Thread-safe.
 */
public final class DhcpServer {

    private static final Logger LOG = LoggerFactory.getLogger(DhcpServer.class);
    /** Threads for DECLINE/RELEASE, which wait for a synchronous store write. */
    static final int DURABLE_WORKERS = 4;
    /** Threads for DISCOVER/REQUEST/INFORM and the ACKs after durable writes (CPU only). */
    static final int FAST_WORKERS = 4;
    static final int QUEUE = 8192;
    private static final int BOOTPS = 67;
    private static final int PXE_BOOT_SERVER = 4011;

    private final DhcpConfig config;
    private final LeaseStore store;
    private final DhcpMetrics metrics;
    private final DhcpEngine engine;
    private final DhcpEngine.Mode mode;
    private final List<Subnet> subnets;
    private final List<Binding> bindings = new ArrayList<>();
    private final List<NioDatagramAcceptor> acceptors = new ArrayList<>();
    /** The sending acceptor and address of each binding, by index in {@link #bindings}. */
    private final List<NioDatagramAcceptor> senders = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    /**
     * Sending sessions by (local, destination): MINA's {@code newSession} takes a global lock on
     * every call, which convoys the workers under load. Entries are re-created when MINA has closed
     * the session (idle expiry); the map is cleared when it grows past {@link #SESSION_CACHE}.
     */
    private final java.util.concurrent.ConcurrentHashMap<List<InetSocketAddress>, IoSession> sessions =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int SESSION_CACHE = 4096;
    private ThreadPoolExecutor durableWorkers;
    private volatile ThreadPoolExecutor fastWorkers;
    private ScheduledExecutorService sweeper;
    private boolean started;
    private boolean stopped;

    /**
     * @param config {@code plugins.dhcp} (mode, interfaces, subnets)
     * @param store where leases are written and reservations read
     * @param rules the boot rules
     * @param listeners the proxy's listeners (for logs; the rules already hold the ports)
     * @param registry the application's metrics
     * @throws IllegalArgumentException when a subnet of the configuration is invalid
     */
    public DhcpServer(DhcpConfig config, LeaseStore store, BootRules rules, Listeners listeners,
                      MetricRegistry registry) {
        this(config, store, rules, registry, Clock.systemUTC(), new NextServerResolver(Clock.systemUTC()));
    }

    DhcpServer(DhcpConfig config, LeaseStore store, BootRules rules, MetricRegistry registry, Clock clock,
               NextServerResolver resolver) {
        this.config = config;
        this.store = store;
        this.metrics = new DhcpMetrics(registry);
        this.mode = DhcpEngine.Mode.valueOf(config.getMode().toUpperCase(Locale.ROOT));
        this.subnets = Subnet.fromConfig(config.getSubnets());
        this.engine = new DhcpEngine(mode, subnets, store, rules, resolver, clock, metrics, this::continueLater);
    }

    /**
     * Runs the work after a durable lease write (the ACK) on the workers. It is called on the
     * store's I/O thread, which must never see an exception: when the queue is full (or the server
     * stopped) the ACK is dropped and counted; the lease is durable and the client's retransmitted
     * REQUEST gets it.
     */
    private void continueLater(Runnable task) {
        try {
            fastWorkers.execute(task);
        } catch (RejectedExecutionException | NullPointerException e) {
            metrics.overloaded.inc();
        }
    }

    public DhcpMetrics metrics() {
        return metrics;
    }

    /** The socket addresses bound, for logs and tests; empty before start or without interfaces. */
    public synchronized List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    /**
     * Resolves the interfaces and binds the sockets.
     *
     * @throws IllegalArgumentException naming a configured interface that does not exist
     * @throws IOException when a socket cannot be bound (port 67 needs root or CAP_NET_BIND_SERVICE)
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("DHCP server already started");
        }
        started = true;
        if (config.getInterfaces().isEmpty()) {
            LOG.info("dhcp: no plugins.dhcp.interfaces configured: the DHCP server binds nothing");
            return;
        }
        for (String entry : config.getInterfaces()) {
            Binding b = Binding.resolve(entry);
            if (bindings.stream().anyMatch(x -> x.address().equals(b.address()))) {
                continue;
            }
            bindings.add(b);
            if (mode == DhcpEngine.Mode.SERVER && subnets.stream().noneMatch(s -> s.network().contains(b.address()))) {
                LOG.warn("dhcp: interface {} ({}) is in no configured subnet: only relayed requests get addresses there",
                        b.interfaceName(), b.address());
            }
        }
        if (bindings.size() > 1) {
            LOG.warn("dhcp: {} interfaces: a broadcast from a new client is attributed to an interface by its relay"
                    + " address, reservation or lease only (the JDK does not report the receiving interface)",
                    bindings.size());
        }
        AtomicInteger n = new AtomicInteger();
        durableWorkers = new ThreadPoolExecutor(DURABLE_WORKERS, DURABLE_WORKERS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> daemon(r, "dhcp-write-" + n.incrementAndGet()));
        durableWorkers.allowCoreThreadTimeOut(true);
        fastWorkers = new ThreadPoolExecutor(FAST_WORKERS, FAST_WORKERS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> daemon(r, "dhcp-offer-" + n.incrementAndGet()));
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dhcp-sweeper"));
        sweeper.scheduleWithFixedDelay(engine::sweep, 5, 5, TimeUnit.SECONDS);
        try {
            for (int i = 0; i < bindings.size(); i++) {
                Binding b = bindings.get(i);
                NioDatagramAcceptor a = bind(new InetSocketAddress(b.address().toInetAddress(), BOOTPS), i);
                senders.add(a);
                if (mode == DhcpEngine.Mode.PROXY) {
                    bind(new InetSocketAddress(b.address().toInetAddress(), PXE_BOOT_SERVER), i);
                }
            }
            bind(new InetSocketAddress(new Ipv4Address(0).toInetAddress(), BOOTPS), -1);
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
        LOG.info("dhcp: {} on {} ({} subnet(s), bound {})", mode == DhcpEngine.Mode.PROXY ? "proxyDHCP" : "DHCP server",
                bindings.stream().map(b -> b.interfaceName() + "=" + b.address()).toList(), subnets.size(), bound);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private NioDatagramAcceptor bind(InetSocketAddress address, int bindingIndex) throws IOException {
        NioDatagramAcceptor a = new NioDatagramAcceptor();
        DatagramSessionConfig c = a.getSessionConfig();
        c.setReuseAddress(true);
        c.setBroadcast(true);
        c.setReceiveBufferSize(4 << 20);
        c.setSendBufferSize(1 << 20);
        c.setCloseOnPortUnreachable(false);
        a.setHandler(new Handler(bindingIndex, address.getPort()));
        acceptors.add(a);
        try {
            a.bind(address);
        } catch (IOException e) {
            throw new IOException("dhcp: cannot bind " + address + ": " + e.getMessage(), e);
        }
        bound.add(address);
        return a;
    }

    /** Unbinds every socket and stops the workers; waits briefly for in-flight lease writes. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        for (NioDatagramAcceptor a : acceptors) {
            try {
                a.unbind();
                a.dispose(true);
            } catch (RuntimeException e) {
                LOG.warn("dhcp: error closing a socket: {}", e.toString());
            }
        }
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        for (ThreadPoolExecutor pool : new ThreadPoolExecutor[] {durableWorkers, fastWorkers}) {
            if (pool == null) {
                continue;
            }
            pool.shutdown();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!bound.isEmpty()) {
            LOG.info("dhcp: server stopped");
        }
    }

    /** The MINA handler of one socket; only hands the datagram to a worker. */
    private final class Handler extends IoHandlerAdapter {
        private final int bindingIndex;
        private final int localPort;

        Handler(int bindingIndex, int localPort) {
            this.bindingIndex = bindingIndex;
            this.localPort = localPort;
        }

        @Override
        public void messageReceived(IoSession session, Object message) {
            if (!(message instanceof IoBuffer buf)) {
                return;
            }
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            InetSocketAddress remote = (InetSocketAddress) session.getRemoteAddress();
            metrics.received.mark();
            DhcpMessage req;
            try {
                req = DhcpCodec.decode(bytes);
            } catch (MalformedPacketException e) {
                metrics.malformed.inc();
                LOG.debug("dhcp: dropped a malformed packet of {} bytes from {}: {}", bytes.length, remote,
                        e.getMessage());
                return;
            }
            MessageType type = req.type();
            boolean writes = type == MessageType.DECLINE || type == MessageType.RELEASE;
            try {
                (writes ? durableWorkers : fastWorkers).execute(() -> process(req, bindingIndex, localPort, remote));
            } catch (RejectedExecutionException e) {
                metrics.overloaded.inc();
            }
        }

        @Override
        public void exceptionCaught(IoSession session, Throwable cause) {
            LOG.debug("dhcp: socket error on {}: {}", session.getLocalAddress(), cause.toString());
        }
    }

    private void process(DhcpMessage req, int bindingIndex, int localPort, InetSocketAddress remote) {
        try {
            int index = bindingIndex >= 0 ? bindingIndex : attribute(req);
            if (index < 0) {
                metrics.ignored.inc();
                LOG.debug("dhcp: cannot tell which interface {} arrived on; dropped", req);
                return;
            }
            Binding b = bindings.get(index);
            engine.handleAsync(req, new Ingress(b.address(), localPort, remote)).whenComplete((out, error) -> {
                if (error != null) {
                    // a continuation refused by a full queue, or a bug: the reply is lost, the client retries
                    metrics.overloaded.inc();
                    LOG.debug("dhcp: no reply to {}: {}", req, error.toString());
                } else if (out.isPresent()) {
                    send(index, localPort, out.get());
                }
            });
        } catch (RuntimeException e) {
            // a bug must not kill the worker or the server; the datagram is lost, the client retries
            LOG.warn("dhcp: error handling {} from {}", req, remote, e);
        }
    }

    /** Which binding a broadcast from the wildcard socket belongs to, or -1. */
    private int attribute(DhcpMessage req) {
        if (bindings.size() == 1) {
            return 0;
        }
        for (Ipv4Address key : new Ipv4Address[] {req.giaddr(), req.ciaddr()}) {
            if (key.value() != 0) {
                int i = bindingIn(key);
                if (i >= 0) {
                    return i;
                }
            }
        }
        if (req.mac() != null) {
            for (Subnet s : subnets) {
                Optional<Ipv4Address> ip = store.reservationByMac(s.network(), req.mac()).map(r -> r.ip())
                        .or(() -> store.leaseByMac(s.network(), req.mac()).map(l -> l.ip()));
                if (ip.isPresent()) {
                    int i = bindingIn(ip.get());
                    if (i >= 0) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private int bindingIn(Ipv4Address ip) {
        for (int i = 0; i < bindings.size(); i++) {
            if (bindings.get(i).network().contains(ip)) {
                return i;
            }
        }
        return -1;
    }

    private void send(int bindingIndex, int localPort, Outgoing out) {
        Binding b = bindings.get(bindingIndex);
        try {
            IoSession s = session(bindingIndex, localPort, out.destination());
            s.write(IoBuffer.wrap(DhcpCodec.encode(out.message())));
        } catch (RuntimeException e) {
            metrics.sendErrors.inc();
            LOG.warn("dhcp: cannot send to {} via {}: {}", out.destination(), b.interfaceName(), e.toString());
        }
    }

    private IoSession session(int bindingIndex, int localPort, InetSocketAddress destination) {
        InetSocketAddress local = new InetSocketAddress(bindings.get(bindingIndex).address().toInetAddress(),
                localPort == PXE_BOOT_SERVER ? PXE_BOOT_SERVER : BOOTPS);
        List<InetSocketAddress> key = List.of(local, destination);
        IoSession s = sessions.get(key);
        if (s != null && s.isActive() && !s.isClosing()) {
            return s;
        }
        s = localPort == PXE_BOOT_SERVER ? proxySession(bindingIndex, destination)
                : senders.get(bindingIndex).newSession(destination, local);
        if (sessions.size() > SESSION_CACHE) {
            sessions.clear();
        }
        sessions.put(key, s);
        return s;
    }

    /** Replies to port-4011 requests leave from the 4011 socket, to the client's own port. */
    private IoSession proxySession(int bindingIndex, InetSocketAddress destination) {
        Binding b = bindings.get(bindingIndex);
        InetSocketAddress local = new InetSocketAddress(b.address().toInetAddress(), PXE_BOOT_SERVER);
        for (NioDatagramAcceptor a : acceptors) {
            if (a.getLocalAddresses().contains(local)) {
                return a.newSession(destination, local);
            }
        }
        return senders.get(bindingIndex).newSession(destination,
                new InetSocketAddress(b.address().toInetAddress(), BOOTPS));
    }
}
