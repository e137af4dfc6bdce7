package org.bootproxy.dhcp.server6;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

/** The DHCPv6 server's metrics, named {@code dhcp6.server.*} in the application's registry. Thread-safe. */
public final class Dhcp6Metrics {

    final Meter received;
    /** Datagrams that failed to decode, or whose options do not fit their format (RFC 8415 section 16). */
    final Counter malformed;
    /** Well-formed messages the server does not answer (another server's, no subnet, server messages). */
    final Counter ignored;
    /** Dropped because the worker queue was full. */
    final Counter overloaded;
    final Meter advertises;
    final Meter replies;
    /** Addresses bound or extended in a REPLY. */
    final Meter bindings;
    final Counter releases;
    final Counter declines;
    /** IAs that got NoAddrsAvail. */
    final Counter poolExhausted;
    final Counter storeErrors;
    /** Expired bindings removed from the store ({@link Dhcp6Engine#reclaim}). */
    final Counter bindingsRemoved;
    final Counter sendErrors;
    /** REPLYs and ADVERTISEs that carried a boot file URL (option 59). */
    final Meter bootAnswers;

    public Dhcp6Metrics(MetricRegistry registry) {
        String p = "dhcp6.server.";
        received = registry.meter(p + "received");
        malformed = registry.counter(p + "dropped.malformed");
        ignored = registry.counter(p + "dropped.ignored");
        overloaded = registry.counter(p + "dropped.overload");
        advertises = registry.meter(p + "advertises");
        replies = registry.meter(p + "replies");
        bindings = registry.meter(p + "bindings");
        releases = registry.counter(p + "releases");
        declines = registry.counter(p + "declines");
        poolExhausted = registry.counter(p + "pool_exhausted");
        storeErrors = registry.counter(p + "store_errors");
        bindingsRemoved = registry.counter(p + "bindings_removed");
        sendErrors = registry.counter(p + "send_errors");
        bootAnswers = registry.meter(p + "boot_answers");
    }
}
