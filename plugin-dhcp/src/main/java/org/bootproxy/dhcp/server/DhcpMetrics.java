package org.bootproxy.dhcp.server;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

/**
 * The server's metrics, all named {@code dhcp.server.*} in the application's registry. Thread-safe.
 */
public final class DhcpMetrics {

    final Meter received;
    /** Packets that failed to decode ({@link org.bootproxy.dhcp.protocol.MalformedPacketException}). */
    final Counter malformed;
    /** Well-formed packets the server does not answer (BOOTP, replies, other servers' clients, no subnet). */
    final Counter ignored;
    /** Dropped because the worker queue was full (overload). */
    final Counter overloaded;
    final Meter offers;
    final Meter acks;
    final Meter naks;
    final Counter declines;
    /** DECLINEs from a client the address was not offered, leased or reserved to: dropped. */
    final Counter foreignDeclines;
    final Counter releases;
    final Counter informs;
    final Meter proxyReplies;
    /** DISCOVERs that found no free address. */
    final Counter poolExhausted;
    /** Lease writes that failed (no ACK was sent). */
    final Counter storeErrors;
    /** Replies that could not be sent. */
    final Counter sendErrors;
    /** Time to make a lease durable before the ACK. */
    final Timer leaseWrite;

    private final MetricRegistry registry;
    private final java.util.concurrent.ConcurrentMap<String, Meter> answers = new java.util.concurrent.ConcurrentHashMap<>();

    public DhcpMetrics(MetricRegistry registry) {
        this.registry = registry;
        String p = "dhcp.server.";
        received = registry.meter(p + "received");
        malformed = registry.counter(p + "dropped.malformed");
        ignored = registry.counter(p + "dropped.ignored");
        overloaded = registry.counter(p + "dropped.overload");
        offers = registry.meter(p + "offers");
        acks = registry.meter(p + "acks");
        naks = registry.meter(p + "naks");
        declines = registry.counter(p + "declines");
        foreignDeclines = registry.counter(p + "dropped.foreign_decline");
        releases = registry.counter(p + "releases");
        informs = registry.counter(p + "informs");
        proxyReplies = registry.meter(p + "proxy_replies");
        poolExhausted = registry.counter(p + "pool_exhausted");
        storeErrors = registry.counter(p + "store_errors");
        sendErrors = registry.counter(p + "send_errors");
        leaseWrite = registry.timer(p + "lease_write");
    }

    /**
     * Counts an answer as {@code dhcp.server.answers.<type>.<client kind>.<architecture>} (the
     * Prometheus export turns the three parts into labels): e.g. {@code answers.offer.PXEClient.7};
     * the architecture is {@code none} when the client sent no option 93.
     */
    void answered(org.bootproxy.dhcp.protocol.MessageType type, org.bootproxy.dhcp.boot.ClientInfo client) {
        String name = "dhcp.server.answers." + type.name().toLowerCase(java.util.Locale.ROOT) + "."
                + client.kind().configName() + "." + (client.arch() == null ? "none" : client.arch());
        answers.computeIfAbsent(name, registry::meter).mark();
    }
}
