package org.bootproxy.dhcp.server6;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bootproxy.dhcp.backend.Lease6Store;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet6;
import org.bootproxy.dhcp.protocol.MalformedPacketException;
import org.bootproxy.dhcp.protocol6.Dhcp6Codec;
import org.bootproxy.dhcp.protocol6.Dhcp6Message;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded DHCPv6 server: one IPv6 UDP socket on {@code [::]:547} that joins
 * All_DHCP_Relay_Agents_and_Servers ({@code ff02::1:2}) on every interface of
 * {@code plugins.dhcp.interfaces}, and answers with {@link Dhcp6Engine}.
 *
 * <p>A client talks from its link-local address, whose scope names the interface it arrived on
 * (the JDK reports it, unlike DHCPv4's broadcasts): replies go back to that address, port 546, out
 * of the same interface. A relay's RELAY-FORW is answered to the relay, port 547. Messages from
 * interfaces that are not configured are ignored and counted.
 *
 * <p>Threads: one receiver decodes (malformed datagrams are dropped and counted there) and hands
 * the message to a bounded pool that runs the engine and sends the reply; a worker waits for its
 * binding to be durable before the REPLY, and many waiting workers share one group commit; a full
 * queue drops the datagram (the client retransmits). Lifecycle: {@link #start()}
 * once, {@link #stop()} once (idempotent).
 */
public final class Dhcp6Server {

    private static final Logger LOG = LoggerFactory.getLogger(Dhcp6Server.class);
    static final int SERVER_PORT = 547;
    static final int CLIENT_PORT = 546;
    static final InetAddress ALL_SERVERS = address("ff02::1:2");
    /** Workers wait for durable writes; more of them means more bindings per group commit. */
    private static final int WORKERS = 16;
    private static final int QUEUE = 4096;
    /** How often expired bindings are looked for (Kea: {@code flush-reclaimed-timer-wait-time}, 25 s). */
    static final long RECLAIM_PERIOD_SECONDS = 60;
    /** How long the interfaces' addresses are cached (they change rarely: DAD, a renumbering). */
    private static final long ADDRESS_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Bound(NetworkInterface nif, List<Inet6Address> addresses, long readAt) {
    }

    private final List<String> interfaces;
    private final Dhcp6Engine engine;
    private final Dhcp6Metrics metrics;
    private final int port;
    private final Map<Integer, Bound> byIndex = new ConcurrentHashMap<>();
    private DatagramChannel channel;
    private Thread receiver;
    private ThreadPoolExecutor workers;
    private ScheduledExecutorService sweeper;
    private boolean started;
    private volatile boolean stopped;

    /**
     * @param interfaces {@code plugins.dhcp.interfaces}: names, or local IPv4/IPv6 addresses of interfaces
     * @param reservations the reservation of a MAC in any DHCPv4 subnet
     */
    public Dhcp6Server(List<String> interfaces, List<Subnet6> subnets, Lease6Store store, BootRules rules,
                       Function<MacAddress, Optional<Reservation>> reservations, MetricRegistry registry) {
        this(interfaces, subnets, store, rules, reservations, registry, InstantSource.system(), SERVER_PORT);
    }

    Dhcp6Server(List<String> interfaces, List<Subnet6> subnets, Lease6Store store, BootRules rules,
                Function<MacAddress, Optional<Reservation>> reservations, MetricRegistry registry, InstantSource clock,
                int port) {
        this.interfaces = List.copyOf(interfaces);
        this.metrics = new Dhcp6Metrics(registry);
        this.port = port;
        List<NetworkInterface> nifs = resolveAll(this.interfaces);
        MacAddress mac = nifs.stream().map(Dhcp6Server::macOf).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        this.engine = new Dhcp6Engine(subnets, store, rules, reservations, Dhcp6Engine.serverDuid(mac), clock, metrics);
    }

    public Dhcp6Metrics metrics() {
        return metrics;
    }

    public Dhcp6Engine engine() {
        return engine;
    }

    /**
     * Binds the socket and joins the multicast group on each interface.
     *
     * @throws IllegalArgumentException naming a configured interface that does not exist
     * @throws IOException when the socket cannot be bound (port 547 needs CAP_NET_BIND_SERVICE)
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("DHCPv6 server already started");
        }
        started = true;
        List<NetworkInterface> nifs = resolveAll(interfaces);
        try {
            channel = DatagramChannel.open(StandardProtocolFamily.INET6);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.bind(new InetSocketAddress(InetAddress.getByName("::"), port));
            for (NetworkInterface nif : nifs) {
                channel.join(ALL_SERVERS, nif);
                byIndex.put(nif.getIndex(), read(nif));
            }
        } catch (IOException | RuntimeException e) {
            stop();
            throw new IOException("dhcp6: cannot bind [::]:" + port + " on " + interfaces + ": " + e.getMessage(), e);
        }
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> daemon(r, "dhcp6-worker"));
        workers.allowCoreThreadTimeOut(true);
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dhcp6-sweeper"));
        sweeper.scheduleWithFixedDelay(engine::sweep, 10, 10, TimeUnit.SECONDS);
        sweeper.scheduleWithFixedDelay(engine::reclaim, 10, RECLAIM_PERIOD_SECONDS, TimeUnit.SECONDS);
        receiver = daemon(this::receive, "dhcp6-receiver");
        receiver.start();
        LOG.info("dhcp6: DHCPv6 server on {} ([::]:{} joined ff02::1:2), server id {}",
                nifs.stream().map(NetworkInterface::getName).toList(), port, engine.serverId());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (!stopped) {
            InetSocketAddress from;
            try {
                buf.clear();
                from = (InetSocketAddress) channel.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!stopped) {
                    LOG.debug("dhcp6: receive failed: {}", e.toString());
                }
                continue;
            }
            buf.flip();
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            metrics.received.mark();
            Dhcp6Message msg;
            try {
                msg = Dhcp6Codec.decode(bytes);
            } catch (MalformedPacketException e) {
                metrics.malformed.inc();
                LOG.debug("dhcp6: dropped a malformed datagram of {} bytes from {}: {}", bytes.length, from,
                        e.getMessage());
                continue;
            }
            try {
                workers.execute(() -> process(msg, from));
            } catch (RejectedExecutionException e) {
                metrics.overloaded.inc();
            }
        }
    }

    private void process(Dhcp6Message msg, InetSocketAddress from) {
        try {
            Bound link = linkOf(from);
            if (link == null) {
                metrics.ignored.inc();
                LOG.debug("dhcp6: {} from {} arrived on no configured interface; ignored", msg, from);
                return;
            }
            Optional<Dhcp6Message> reply = engine.handle(msg,
                    new Dhcp6Engine.Link(link.nif().getName(), link.addresses()));
            if (reply.isEmpty()) {
                return;
            }
            int dport = msg instanceof Dhcp6Message.Relay ? SERVER_PORT : CLIENT_PORT;
            if (port != SERVER_PORT) {
                dport = from.getPort(); // tests on a high port answer the test's own socket
            }
            try {
                channel.send(ByteBuffer.wrap(Dhcp6Codec.encode(reply.get())), new InetSocketAddress(from.getAddress(), dport));
            } catch (IOException e) {
                metrics.sendErrors.inc();
                LOG.warn("dhcp6: cannot send to {}: {}", from.getAddress(), e.toString());
            }
        } catch (RuntimeException e) {
            // a bug must not kill the worker; the client retransmits
            LOG.warn("dhcp6: error handling {} from {}", msg, from, e);
        }
    }

    /** The configured interface a datagram came in on: the scope of a link-local source, else a relay's. */
    private Bound linkOf(InetSocketAddress from) {
        if (from.getAddress() instanceof Inet6Address v6 && v6.getScopeId() > 0 && byIndex.containsKey(v6.getScopeId())) {
            return fresh(v6.getScopeId());
        }
        if (from.getAddress() instanceof Inet6Address v6 && !v6.isLinkLocalAddress()) {
            // a relay (or a client using a global source): the interface whose prefix holds it, else the first
            Bound first = null;
            for (Integer index : byIndex.keySet()) {
                Bound b = fresh(index);
                if (first == null) {
                    first = b;
                }
                if (b.addresses().stream().anyMatch(a -> samePrefix64(a, v6))) {
                    return b;
                }
            }
            return first;
        }
        return null;
    }

    private Bound fresh(int index) {
        Bound b = byIndex.get(index);
        if (System.nanoTime() - b.readAt() > ADDRESS_REFRESH_NANOS) {
            b = read(b.nif());
            byIndex.put(index, b);
        }
        return b;
    }

    private static boolean samePrefix64(Inet6Address a, Inet6Address b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        for (int i = 0; i < 8; i++) {
            if (x[i] != y[i]) {
                return false;
            }
        }
        return true;
    }

    private static Bound read(NetworkInterface nif) {
        List<Inet6Address> out = new ArrayList<>();
        try {
            NetworkInterface current = NetworkInterface.getByIndex(nif.getIndex());
            for (InetAddress a : Collections.list((current == null ? nif : current).getInetAddresses())) {
                if (a instanceof Inet6Address v6) {
                    out.add(v6);
                }
            }
        } catch (SocketException e) {
            LOG.debug("dhcp6: cannot read the addresses of {}: {}", nif.getName(), e.toString());
        }
        return new Bound(nif, out, System.nanoTime());
    }

    private static List<NetworkInterface> resolveAll(List<String> entries) {
        List<NetworkInterface> out = new ArrayList<>();
        for (String e : entries) {
            NetworkInterface nif = resolve(e);
            if (out.stream().noneMatch(n -> n.getIndex() == nif.getIndex())) {
                out.add(nif);
            }
        }
        return out;
    }

    /** An interface by name, or by one of its IPv4 or IPv6 addresses. */
    static NetworkInterface resolve(String entry) {
        String e = entry == null ? "" : entry.trim();
        try {
            NetworkInterface nif;
            if (Ipv4Address.isValid(e)) {
                nif = NetworkInterface.getByInetAddress(Ipv4Address.parse(e).toInetAddress());
            } else if (e.indexOf(':') >= 0) {
                nif = NetworkInterface.getByInetAddress(org.bootproxy.spi.net.Ipv6Network.parseAddress(e));
            } else {
                nif = NetworkInterface.getByName(e);
            }
            if (nif == null) {
                throw new IllegalArgumentException("plugins.dhcp.interfaces: no interface '" + e + "' on this host");
            }
            return nif;
        } catch (SocketException ex) {
            throw new IllegalArgumentException("plugins.dhcp.interfaces: cannot read interface '" + e + "': "
                    + ex.getMessage(), ex);
        }
    }

    private static MacAddress macOf(NetworkInterface nif) {
        try {
            byte[] hw = nif.getHardwareAddress();
            return hw != null && hw.length == 6 ? new MacAddress(hw) : null;
        } catch (SocketException e) {
            return null;
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the socket and stops the threads. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("dhcp6: closing the socket: {}", e.toString());
            }
        }
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (workers != null) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (receiver != null) {
            LOG.info("dhcp6: server stopped");
        }
    }
}
