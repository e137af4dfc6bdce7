package org.bootproxy.dhcp.server;

import com.codahale.metrics.Timer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.boot.BootAnswer;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.boot.ClientInfo;
import org.bootproxy.dhcp.boot.ClientKind;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.dhcp.protocol.DhcpMessage;
import org.bootproxy.dhcp.protocol.DhcpOptions;
import org.bootproxy.dhcp.protocol.MessageType;
import org.bootproxy.dhcp.protocol.OptionCode;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bootproxy.spi.log.LogSafe;

/**
 * The DHCPv4 server's protocol logic (RFC 2131 section 4.3), without sockets: one request in, at
 * most one reply out, with its destination. The MINA transport ({@link DhcpServer}) feeds it; tests
 * call it directly with an injected clock and a fake store.
 *
 * <p>Thread-safe: {@link #handle} may run on many threads at once. Address choice is serialised per
 * subnet in {@link AddressPool}; the durable lease write happens outside that lock (so concurrent
 * writes batch in the store) and always completes before the ACK is returned.
 */
public final class DhcpEngine {

    private static final Logger LOG = LoggerFactory.getLogger(DhcpEngine.class);

    /** {@code plugins.dhcp.mode}. */
    public enum Mode {
        /** A full DHCP server: addresses and boot information. */
        SERVER,
        /** proxyDHCP (PXE spec): boot information only, beside another DHCP server. */
        PROXY
    }

    /** How long an OFFER keeps its address from other clients (RFC 2131 4.3.1 "reserve"). */
    static final Duration OFFER_HOLD = Duration.ofSeconds(30);
    /** How long a DECLINEd address stays out of the pool. */
    static final Duration DECLINE_HOLD = Duration.ofMinutes(10);
    static final InetSocketAddress BROADCAST_68 = new InetSocketAddress(new Ipv4Address(-1).toInetAddress(), 68);
    /** PXE vendor options (option 43): PXE_DISCOVERY_CONTROL = 8, use the boot file of this offer. */
    private static final byte[] PXE_VENDOR_OPTIONS = {6, 1, 8, (byte) 255};
    /** iPXE option 175 with sub-option 176 (no-pxedhcp) = 1: do not wait for proxyDHCP. */
    private static final byte[] IPXE_NO_PXEDHCP = {(byte) OptionCode.IPXE_NO_PXEDHCP, 1, 1};

    private final Mode mode;
    private final Map<org.bootproxy.spi.net.Ipv4Network, AddressPool> pools = new LinkedHashMap<>();
    private final LeaseStore store;
    private final BootRules rules;
    private final NextServerResolver resolver;
    private final Clock clock;
    private final DhcpMetrics metrics;
    private final Executor continuations;

    /** An engine whose continuations after a lease write run on the thread that completes the write. */
    public DhcpEngine(Mode mode, List<Subnet> subnets, LeaseStore store, BootRules rules, NextServerResolver resolver,
                      Clock clock, DhcpMetrics metrics) {
        this(mode, subnets, store, rules, resolver, clock, metrics, Runnable::run);
    }

    /**
     * @param continuations where the work after a durable lease write (the ACK) runs; must not be the
     *     store's own I/O thread when the store completes writes there
     */
    public DhcpEngine(Mode mode, List<Subnet> subnets, LeaseStore store, BootRules rules, NextServerResolver resolver,
                      Clock clock, DhcpMetrics metrics, Executor continuations) {
        this.continuations = continuations;
        this.mode = mode;
        for (Subnet s : subnets) {
            pools.put(s.network(), new AddressPool(s, store));
        }
        this.store = store;
        this.rules = rules;
        this.resolver = resolver;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Forgets expired offers and declines; the server calls it every few seconds. */
    public void sweep() {
        Instant now = clock.instant();
        pools.values().forEach(p -> p.sweep(now));
    }

    /**
     * Answers one decoded request.
     *
     * @return the reply and its destination, or empty when the request gets none (not for us,
     *     silently ignored per RFC 2131, or a failed lease write)
     */
    public Optional<Outgoing> handle(DhcpMessage req, Ingress in) {
        return handleAsync(req, in).toCompletableFuture().join();
    }

    /**
     * Answers one decoded request without waiting for the disk: the stage completes when the reply
     * is ready, for an ACK after its lease is durable. Never completes exceptionally for a store
     * failure (that is an empty reply, counted).
     */
    public CompletionStage<Optional<Outgoing>> handleAsync(DhcpMessage req, Ingress in) {
        MessageType type = req.type();
        if (type == MessageType.REQUEST && mode == Mode.SERVER && req.op() == DhcpMessage.BOOTREQUEST
                && req.mac() != null) {
            AddressPool pool = poolFor(req, in);
            if (pool != null) {
                return request(req, req.mac(), pool, in, clock.instant());
            }
        }
        return CompletableFuture.completedFuture(handleNow(req, in));
    }

    private Optional<Outgoing> handleNow(DhcpMessage req, Ingress in) {
        MessageType type = req.type();
        MacAddress mac = req.mac();
        if (req.op() != DhcpMessage.BOOTREQUEST || type == null || mac == null) {
            // replies (ours or another server's), plain BOOTP, non-Ethernet hardware
            return ignore(req, "not a DHCP request from an Ethernet client");
        }
        return mode == Mode.PROXY ? proxy(req, type, in) : serve(req, type, mac, in);
    }

    private Optional<Outgoing> ignore(DhcpMessage req, String why) {
        metrics.ignored.inc();
        LOG.debug("dhcp: ignored {}: {}", req, why);
        return Optional.empty();
    }

    // ---------------------------------------------------------------- server mode

    private Optional<Outgoing> serve(DhcpMessage req, MessageType type, MacAddress mac, Ingress in) {
        AddressPool pool = poolFor(req, in);
        if (pool == null) {
            return ignore(req, "no managed subnet for giaddr " + req.giaddr() + " / ciaddr " + req.ciaddr()
                    + " / interface " + in.serverIp());
        }
        Instant now = clock.instant();
        return switch (type) {
            case DISCOVER -> discover(req, mac, pool, in, now);
            case REQUEST -> request(req, mac, pool, in, now).toCompletableFuture().join();
            case DECLINE -> decline(req, mac, pool, now);
            case RELEASE -> release(req, mac, pool);
            case INFORM -> inform(req, mac, pool, in);
            case OFFER, ACK, NAK -> ignore(req, "a server message");
        };
    }

    private AddressPool poolFor(DhcpMessage req, Ingress in) {
        Ipv4Address key = !isZero(req.giaddr()) ? req.giaddr() : !isZero(req.ciaddr()) ? req.ciaddr() : in.serverIp();
        for (AddressPool p : pools.values()) {
            if (p.subnet().network().contains(key)) {
                return p;
            }
        }
        return null;
    }

    private static boolean isZero(Ipv4Address a) {
        return a.value() == 0;
    }

    private Optional<Outgoing> discover(DhcpMessage req, MacAddress mac, AddressPool pool, Ingress in, Instant now) {
        Subnet subnet = pool.subnet();
        Reservation res = store.reservationByMac(subnet.network(), mac).orElse(null);
        Ipv4Address ip;
        if (res != null) {
            ip = res.ip();
        } else {
            Ipv4Address requested = req.options().address(OptionCode.REQUESTED_IP).orElse(null);
            Optional<Ipv4Address> picked = pool.offer(mac, requested, in.serverIp(), now, now.plus(OFFER_HOLD));
            if (picked.isEmpty()) {
                metrics.poolExhausted.inc();
                LOG.warn("dhcp: no free address in {} for {} (pool exhausted)", subnet.network(), mac);
                return Optional.empty();
            }
            ip = picked.get();
        }
        metrics.offers.mark();
        metrics.answered(MessageType.OFFER, ClientInfo.of(req));
        DhcpMessage offer = addressReply(req, MessageType.OFFER, ip, subnet, res, in, true);
        LOG.debug("dhcp: DHCPOFFER {} to {}", ip, mac);
        return Optional.of(new Outgoing(offer, destination(req, MessageType.OFFER)));
    }

    private CompletionStage<Optional<Outgoing>> request(DhcpMessage req, MacAddress mac, AddressPool pool, Ingress in,
                                                        Instant now) {
        Optional<Ipv4Address> serverId = req.options().address(OptionCode.SERVER_ID);
        Optional<Ipv4Address> requested = req.options().address(OptionCode.REQUESTED_IP);
        Subnet subnet = pool.subnet();
        if (serverId.isPresent()) {
            // SELECTING (RFC 2131 4.3.2): the client answers one server's OFFER
            if (!serverId.get().equals(in.serverIp())) {
                pool.release(mac);
                return done(ignore(req, "client selected server " + serverId.get()));
            }
            Ipv4Address ip = requested.orElse(isZero(req.ciaddr()) ? null : req.ciaddr());
            if (ip == null) {
                return done(ignore(req, "REQUEST in SELECTING state without requested address"));
            }
            return grant(req, mac, ip, pool, in, now);
        }
        if (requested.isPresent() && isZero(req.ciaddr())) {
            // INIT-REBOOT: verify the client's remembered address
            Ipv4Address ip = requested.get();
            if (!subnet.network().contains(ip)) {
                return done(nak(req, mac, in, "requested " + ip + " is not on network " + subnet.network()));
            }
            boolean known = store.reservationByMac(subnet.network(), mac).isPresent()
                    || store.leaseByMac(subnet.network(), mac).isPresent() || pool.holds(mac);
            if (!known) {
                if (!pool.available(ip, mac, now)) {
                    return done(nak(req, mac, in, "requested " + ip + " belongs to another client"));
                }
                // RFC 2131 4.3.2: no record of this client: remain silent
                return done(ignore(req, "INIT-REBOOT from unknown client"));
            }
            return grant(req, mac, ip, pool, in, now);
        }
        if (!isZero(req.ciaddr())) {
            // RENEWING / REBINDING
            return grant(req, mac, req.ciaddr(), pool, in, now);
        }
        return done(ignore(req, "REQUEST without server id, requested address or ciaddr"));
    }

    private CompletionStage<Optional<Outgoing>> grant(DhcpMessage req, MacAddress mac, Ipv4Address ip, AddressPool pool,
                                                      Ingress in, Instant now) {
        Subnet subnet = pool.subnet();
        Reservation res = store.reservationByMac(subnet.network(), mac).orElse(null);
        if (res != null) {
            if (!res.ip().equals(ip)) {
                return done(nak(req, mac, in, "requested " + ip + " but " + mac + " is reserved " + res.ip()));
            }
            // a reservation is fixed: no lease record, like ISC dhcpd's fixed-address hosts
            return done(ack(req, mac, ip, subnet, res, in, "reservation"));
        }
        synchronized (pool) {
            if (!pool.inRange(ip) || !pool.available(ip, mac, now)) {
                return done(nak(req, mac, in, "requested " + ip + " is not available to " + mac));
            }
            pool.hold(ip, mac, now.plus(OFFER_HOLD));
        }
        Lease old = store.leaseByMac(subnet.network(), mac).orElse(null);
        String hostname = req.options().string(OptionCode.HOST_NAME).orElse(null);
        Lease lease = new Lease(ip, mac, subnet.network(), now, now.plus(subnet.leaseTime()), hostname);
        Timer.Context timer = metrics.leaseWrite.time();
        CompletionStage<Void> durable;
        try {
            durable = store.saveLeaseAsync(lease);
        } catch (RuntimeException e) {
            durable = CompletableFuture.failedFuture(e);
        }
        // the ACK only once the lease is durable; the continuation leaves the store's I/O thread
        return durable.handleAsync((ok, error) -> {
            timer.stop();
            if (error != null) {
                // no ACK without a durable lease; the client retries
                metrics.storeErrors.inc();
                LOG.warn("dhcp: could not store the lease of {} for {}, not acknowledging: {}", ip, mac,
                        (error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                ? error.getCause() : error).toString());
                return Optional.<Outgoing>empty();
            }
            pool.release(mac);
            if (old != null && !old.ip().equals(ip) && old.mac().equals(mac)) {
                try {
                    store.removeLease(old.ip());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("dhcp: could not remove the previous lease {} of {}: {}", old.ip(), mac, e.toString());
                }
            }
            return ack(req, mac, ip, subnet, null, in, "lease until " + lease.ends());
        }, continuations);
    }

    private static CompletionStage<Optional<Outgoing>> done(Optional<Outgoing> reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private Optional<Outgoing> ack(DhcpMessage req, MacAddress mac, Ipv4Address ip, Subnet subnet, Reservation res,
                                   Ingress in, String what) {
        DhcpMessage ack = addressReply(req, MessageType.ACK, ip, subnet, res, in, true);
        metrics.acks.mark();
        metrics.answered(MessageType.ACK, ClientInfo.of(req));
        LOG.info("dhcp: DHCPACK {} to {} ({}{}) file {} next-server {} ({})", ip, mac,
                ClientInfo.of(req).describe(), req.giaddr().value() == 0 ? "" : " via relay " + req.giaddr(),
                LogSafe.escape(ack.options().string(OptionCode.BOOTFILE_NAME).orElse(ack.file().isEmpty() ? "-" : ack.file())),
                ack.siaddr(), what);
        return Optional.of(new Outgoing(ack, destination(req, MessageType.ACK)));
    }

    private Optional<Outgoing> nak(DhcpMessage req, MacAddress mac, Ingress in, String why) {
        metrics.naks.mark();
        metrics.answered(MessageType.NAK, ClientInfo.of(req));
        LOG.info("dhcp: DHCPNAK to {}: {}", mac, why);
        DhcpOptions.Builder nb = DhcpOptions.builder().messageType(MessageType.NAK)
                .putAddress(OptionCode.SERVER_ID, in.serverIp())
                .putString(OptionCode.MESSAGE, why);
        echoRelayAgent(req, nb);
        DhcpOptions o = nb.build();
        // RFC 2131 4.3.2: a NAK through a relay has the broadcast bit set
        int flags = isZero(req.giaddr()) ? req.flags() : req.flags() | DhcpMessage.FLAG_BROADCAST;
        DhcpMessage m = new DhcpMessage(DhcpMessage.BOOTREPLY, req.htype(), req.hlen(), 0, req.xid(), 0, flags,
                DhcpMessage.ZERO, DhcpMessage.ZERO, DhcpMessage.ZERO, req.giaddr(), req.chaddr(), "", "", o);
        return Optional.of(new Outgoing(m, destination(req, MessageType.NAK)));
    }

    private Optional<Outgoing> decline(DhcpMessage req, MacAddress mac, AddressPool pool, Instant now) {
        metrics.declines.inc();
        Optional<Ipv4Address> ip = req.options().address(OptionCode.REQUESTED_IP);
        if (ip.isEmpty() || !pool.subnet().network().contains(ip.get())) {
            return ignore(req, "DECLINE without an address of the subnet");
        }
        if (!pool.offeredOrLeasedTo(ip.get(), mac, now)) {
            // as Kea does: only the client the address was given to may decline it, else one client
            // could drain the pool and cancel everyone's pending offers
            metrics.foreignDeclines.inc();
            LOG.debug("dhcp: dropped DHCPDECLINE of {} from {}: not offered or leased to it", ip.get(), mac);
            return Optional.empty();
        }
        LOG.info("dhcp: DHCPDECLINE of {} from {}: address in use, kept out of the pool for {}", ip.get(), mac,
                DECLINE_HOLD);
        pool.decline(ip.get(), now.plus(DECLINE_HOLD));
        dropLeaseOf(ip.get(), mac);
        return Optional.empty();
    }

    private Optional<Outgoing> release(DhcpMessage req, MacAddress mac, AddressPool pool) {
        metrics.releases.inc();
        pool.release(mac);
        if (dropLeaseOf(req.ciaddr(), mac)) {
            LOG.info("dhcp: DHCPRELEASE of {} by {}", req.ciaddr(), mac);
        }
        return Optional.empty();
    }

    private boolean dropLeaseOf(Ipv4Address ip, MacAddress mac) {
        Optional<Lease> l = store.leaseByIp(ip);
        if (l.isPresent() && l.get().mac().equals(mac)) {
            try {
                store.removeLease(ip);
                return true;
            } catch (IOException | RuntimeException e) {
                metrics.storeErrors.inc();
                LOG.warn("dhcp: could not remove the lease of {} for {}: {}", ip, mac, e.toString());
            }
        }
        return false;
    }

    private Optional<Outgoing> inform(DhcpMessage req, MacAddress mac, AddressPool pool, Ingress in) {
        metrics.informs.inc();
        Reservation res = store.reservationByMac(pool.subnet().network(), mac).orElse(null);
        // RFC 2131 4.3.5: no yiaddr, no lease time; unicast to ciaddr
        DhcpMessage ack = addressReply(req, MessageType.ACK, DhcpMessage.ZERO, pool.subnet(), res, in, false);
        return Optional.of(new Outgoing(ack, destination(req, MessageType.ACK)));
    }

    /** RFC 2131 4.1: where a server-mode reply goes. */
    private static InetSocketAddress destination(DhcpMessage req, MessageType type) {
        if (!isZero(req.giaddr())) {
            return new InetSocketAddress(req.giaddr().toInetAddress(), 67);
        }
        if (type != MessageType.NAK && !isZero(req.ciaddr())) {
            return new InetSocketAddress(req.ciaddr().toInetAddress(), 68);
        }
        // broadcast flag set, or no address yet: the JDK cannot unicast to an unconfigured client
        // (that needs an ARP entry for yiaddr), which RFC 2131 allows replacing by a broadcast
        return BROADCAST_68;
    }

    private DhcpMessage addressReply(DhcpMessage req, MessageType type, Ipv4Address yiaddr, Subnet subnet,
                                     Reservation res, Ingress in, boolean withLease) {
        DhcpOptions.Builder o = DhcpOptions.builder().messageType(type).putAddress(OptionCode.SERVER_ID, in.serverIp());
        if (withLease) {
            long secs = Math.min(0xffffffffL, subnet.leaseTime().toSeconds());
            o.putUint32(OptionCode.LEASE_TIME, secs);
            o.putUint32(OptionCode.RENEWAL_TIME, secs / 2);
            o.putUint32(OptionCode.REBINDING_TIME, secs * 7 / 8);
        }
        o.putAddress(OptionCode.SUBNET_MASK, subnet.network().netmask());
        if (!subnet.routers().isEmpty()) {
            o.putAddresses(OptionCode.ROUTERS, subnet.routers());
        }
        if (!subnet.domainNameServers().isEmpty()) {
            o.putAddresses(OptionCode.DOMAIN_NAME_SERVERS, subnet.domainNameServers());
        }
        if (subnet.domainName() != null) {
            o.putString(OptionCode.DOMAIN_NAME, subnet.domainName());
        }
        if (!subnet.ntpServers().isEmpty()) {
            o.putAddresses(OptionCode.NTP_SERVERS, subnet.ntpServers());
        }
        if (subnet.interfaceMtu() != null) {
            o.putUint16(OptionCode.INTERFACE_MTU, subnet.interfaceMtu());
        }
        if (res != null && res.hostname() != null && !res.hostname().isBlank()) {
            o.putString(OptionCode.HOST_NAME, res.hostname());
        }
        ClientInfo client = ClientInfo.of(req);
        Boot boot = boot(req, client, res, in, o);
        echoRelayAgent(req, o);
        Ipv4Address ciaddr = type == MessageType.ACK ? req.ciaddr() : DhcpMessage.ZERO;
        return new DhcpMessage(DhcpMessage.BOOTREPLY, req.htype(), req.hlen(), 0, req.xid(), 0, req.flags(), ciaddr,
                yiaddr, boot.siaddr, req.giaddr(), req.chaddr(), "", boot.file, o.build());
    }

    /** RFC 3046 section 2.2: a reply to a relayed request echoes option 82, last. */
    private static void echoRelayAgent(DhcpMessage req, DhcpOptions.Builder o) {
        req.options().raw(OptionCode.RELAY_AGENT_INFO).ifPresent(v -> o.put(OptionCode.RELAY_AGENT_INFO, v));
    }

    private record Boot(Ipv4Address siaddr, String file) {
    }

    /**
     * Adds the boot options of {@code client} to {@code o}, which already holds the subnet's
     * options, and takes option 6 out where {@link BootAnswer#omitsDnsServersFor} says so;
     * returns siaddr and the file field.
     */
    private Boot boot(DhcpMessage req, ClientInfo client, Reservation res, Ingress in, DhcpOptions.Builder o) {
        Optional<BootAnswer> answer = rules.decide(client, res, in.serverIp());
        if (answer.isEmpty()) {
            return new Boot(in.serverIp(), "");
        }
        BootAnswer a = answer.get();
        if (a.omitsDnsServersFor(client.kind())) {
            // an HTTP Boot URL naming an IP: no Dns() node in the boot device path, so GRUB finds
            // its network there (see BootAnswer#omitsDnsServersFor)
            o.remove(OptionCode.DOMAIN_NAME_SERVERS);
            LOG.debug("dhcp: no option 6 to {} ({}): its boot URL names an IP", client.mac(), client.describe());
        }
        Ipv4Address siaddr = resolver.resolve(a.nextServer()).orElse(DhcpMessage.ZERO);
        String file = a.filename().length() <= 127 ? a.filename() : "";
        // like dnsmasq: the file field always, option 67 when asked for, when the name does not
        // fit, and for URLs (EDK2's HTTP boot reads the URI from option 67)
        if (a.isUrl() || file.isEmpty() || req.options().requested(OptionCode.BOOTFILE_NAME)) {
            o.putString(OptionCode.BOOTFILE_NAME, a.filename());
        }
        if (req.options().requested(OptionCode.TFTP_SERVER_NAME) || siaddr.value() == 0) {
            o.putString(OptionCode.TFTP_SERVER_NAME, a.nextServer());
        }
        switch (client.kind()) {
            // NETBOOT.md: EDK2 ignores an offer to an HTTPClient without option 60 HTTPClient
            case HTTP_CLIENT -> o.putString(OptionCode.VENDOR_CLASS, "HTTPClient");
            case IPXE -> o.put(OptionCode.IPXE_ENCAP, IPXE_NO_PXEDHCP);
            case PXE_CLIENT, OTHER -> {
            }
        }
        return new Boot(siaddr, file);
    }

    // ---------------------------------------------------------------- proxyDHCP mode

    private Optional<Outgoing> proxy(DhcpMessage req, MessageType type, Ingress in) {
        ClientInfo client = ClientInfo.of(req);
        if (client.kind() == ClientKind.OTHER) {
            return ignore(req, "proxyDHCP answers only PXEClient/HTTPClient/iPXE");
        }
        MessageType replyType;
        if (in.localPort() == 4011) {
            if (type != MessageType.REQUEST && type != MessageType.INFORM) {
                return ignore(req, "port 4011 answers REQUEST/INFORM only");
            }
            replyType = MessageType.ACK;
        } else {
            if (type != MessageType.DISCOVER) {
                // the address exchange belongs to the other DHCP server
                return ignore(req, "proxyDHCP answers DISCOVER on port 67");
            }
            replyType = MessageType.OFFER;
        }
        Reservation res = reservationAnywhere(client.mac());
        Optional<BootAnswer> answer = rules.decide(client, res, in.serverIp());
        if (answer.isEmpty()) {
            return ignore(req, "no boot rule for " + client.describe());
        }
        BootAnswer a = answer.get();
        DhcpOptions.Builder o = DhcpOptions.builder().messageType(replyType)
                .putAddress(OptionCode.SERVER_ID, in.serverIp())
                .putString(OptionCode.VENDOR_CLASS, client.kind() == ClientKind.HTTP_CLIENT ? "HTTPClient" : "PXEClient");
        if (client.kind() != ClientKind.HTTP_CLIENT) {
            o.put(OptionCode.VENDOR_SPECIFIC, PXE_VENDOR_OPTIONS);
        }
        if (client.kind() == ClientKind.IPXE) {
            o.put(OptionCode.IPXE_ENCAP, IPXE_NO_PXEDHCP);
        }
        req.options().raw(OptionCode.CLIENT_UUID).ifPresent(uuid -> o.put(OptionCode.CLIENT_UUID, uuid));
        o.putString(OptionCode.BOOTFILE_NAME, a.filename());
        echoRelayAgent(req, o);
        Ipv4Address siaddr = resolver.resolve(a.nextServer()).orElse(DhcpMessage.ZERO);
        String file = a.filename().length() <= 127 ? a.filename() : "";
        DhcpMessage reply = new DhcpMessage(DhcpMessage.BOOTREPLY, req.htype(), req.hlen(), 0, req.xid(), 0,
                req.flags(), replyType == MessageType.ACK ? req.ciaddr() : DhcpMessage.ZERO, DhcpMessage.ZERO, siaddr,
                req.giaddr(), req.chaddr(), "", file, o.build());
        InetSocketAddress dest = in.localPort() == 4011 ? in.source()
                : !isZero(req.giaddr()) ? new InetSocketAddress(req.giaddr().toInetAddress(), 67) : BROADCAST_68;
        metrics.proxyReplies.mark();
        metrics.answered(replyType, client);
        LOG.info("dhcp: proxyDHCP {} to {} ({}) file {} next-server {} ({})", replyType, client.mac(),
                client.describe(), LogSafe.escape(a.filename()), siaddr, a.source());
        return Optional.of(new Outgoing(reply, dest));
    }

    private Reservation reservationAnywhere(MacAddress mac) {
        List<AddressPool> all = new ArrayList<>(pools.values());
        for (AddressPool p : all) {
            Optional<Reservation> r = store.reservationByMac(p.subnet().network(), mac);
            if (r.isPresent()) {
                return r.get();
            }
        }
        return null;
    }
}
