package org.bootproxy.dhcp.server6;

import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.bootproxy.dhcp.backend.Lease6Store;
import org.bootproxy.dhcp.boot.BootAnswer;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.boot.ClientInfo;
import org.bootproxy.dhcp.boot.ClientKind;
import org.bootproxy.dhcp.model.Lease6;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet6;
import org.bootproxy.dhcp.protocol.MalformedPacketException;
import org.bootproxy.dhcp.protocol6.Dhcp6Codec;
import org.bootproxy.dhcp.protocol6.Dhcp6Message;
import org.bootproxy.dhcp.protocol6.Dhcp6MessageType;
import org.bootproxy.dhcp.protocol6.Dhcp6Option;
import org.bootproxy.dhcp.protocol6.Dhcp6Options;
import org.bootproxy.dhcp.protocol6.Dhcp6Options.IaAddress;
import org.bootproxy.dhcp.protocol6.Dhcp6Options.IaNa;
import org.bootproxy.dhcp.protocol6.Dhcp6Options.StatusCode;
import org.bootproxy.dhcp.protocol6.Duid;
import org.bootproxy.spi.net.Ipv6Network;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv6 server's protocol logic (RFC 8415 section 18.3; boot options RFC 5970), without
 * sockets: one message in, at most one message out. {@link Dhcp6Server} feeds it; tests call it
 * directly with an injected clock and an in-memory store.
 *
 * <p>Stateful address assignment (IA_NA) from each subnet's range, Rapid Commit when the client
 * asks for it, Renew/Rebind/Release/Decline/Confirm and Information-request; IA_TA and IA_PD are
 * not offered (a client asking only for them gets no addresses). Relayed messages (RELAY-FORW,
 * nested up to {@link Dhcp6Codec#MAX_RELAY_DEPTH}) are answered in RELAY-REPLs that echo each
 * relay's Interface-ID.
 *
 * <p>The boot answer follows the DHCPv4 rules ({@link BootRules#decide6}): the client kind from
 * option 16 (enterprise 343, {@code HTTPClient}/{@code PXEClient}) or option 15 ({@code iPXE}), the
 * architecture from option 61; a boot client, or one whose ORO asks for option 59, gets the URL in
 * option 59, and an HTTPClient gets option 16 {@code HTTPClient} back (UEFI ignores the reply
 * otherwise). A reservation of the client's MAC (from its DUID or the relay's option 79) gives
 * its file name here too.
 *
 * <p>Thread-safe: address choice is serialised by one lock; durable writes happen outside it.
 */
public final class Dhcp6Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Dhcp6Engine.class);
    /** How long an ADVERTISEd address is kept for its client (RFC 8415 leaves it to the server). */
    static final Duration OFFER_HOLD = Duration.ofSeconds(60);
    /**
     * How long an expired binding (active, or declined) stays in the store before {@link #reclaim}
     * removes it; Kea's {@code hold-reclaimed-time} default. Its address is free from the moment
     * the binding expires; while it is kept, a returning client still gets its old address back.
     */
    public static final Duration HOLD_RECLAIMED = Duration.ofHours(1);

    /**
     * Where a message arrived: the receiving interface and its addresses (the source of the server
     * address in boot URLs and, for direct clients, of the subnet).
     */
    public record Link(String interfaceName, List<Inet6Address> addresses) {
        public Link {
            addresses = List.copyOf(addresses);
        }
    }

    private record Owner(Duid duid, long iaid) {
    }

    private record Offer(Owner owner, Inet6Address ip, Instant expires) {
    }

    private final List<Subnet6> subnets;
    private final Lease6Store store;
    private final BootRules rules;
    private final Function<MacAddress, Optional<Reservation>> reservations;
    private final Duid serverId;
    private final InstantSource clock;
    private final Dhcp6Metrics metrics;
    private final Object lock = new Object();
    /** ADVERTISEd addresses by address and by owner; guarded by {@link #lock}. */
    private final Map<Inet6Address, Offer> offers = new HashMap<>();
    private final Map<Owner, Offer> offersByOwner = new HashMap<>();

    /**
     * @param reservations the reservation of a MAC in any DHCPv4 subnet (its boot file applies to v6)
     * @param serverId this server's DUID (option 2)
     */
    public Dhcp6Engine(List<Subnet6> subnets, Lease6Store store, BootRules rules,
                       Function<MacAddress, Optional<Reservation>> reservations, Duid serverId, InstantSource clock,
                       Dhcp6Metrics metrics) {
        this.subnets = List.copyOf(subnets);
        this.store = store;
        this.rules = rules;
        this.reservations = reservations;
        this.serverId = serverId;
        this.clock = clock;
        this.metrics = metrics;
    }

    public Duid serverId() {
        return serverId;
    }

    /**
     * Answers one message.
     *
     * @return the reply (a RELAY-REPL for a relayed message), or empty when the message is not
     *     answered (not for this server, no subnet, malformed options: counted)
     */
    public Optional<Dhcp6Message> handle(Dhcp6Message received, Link link) {
        try {
            return handleChecked(received, link);
        } catch (MalformedPacketException e) {
            metrics.malformed.inc();
            LOG.debug("dhcp6: dropped {} on {}: {}", received, link.interfaceName(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Dhcp6Message> handleChecked(Dhcp6Message received, Link link) throws MalformedPacketException {
        // unwrap relays, outermost first
        List<Dhcp6Message.Relay> relays = new ArrayList<>();
        Dhcp6Message m = received;
        while (m instanceof Dhcp6Message.Relay r) {
            if (r.type() != Dhcp6MessageType.RELAY_FORW) {
                return ignore(received, link, "a server's relay reply");
            }
            if (relays.size() >= Dhcp6Codec.MAX_RELAY_DEPTH) {
                throw new MalformedPacketException("relay messages nested deeper than " + Dhcp6Codec.MAX_RELAY_DEPTH);
            }
            relays.add(r);
            m = Dhcp6Codec.inner(r);
        }
        Dhcp6Message.ClientServer msg = (Dhcp6Message.ClientServer) m;
        Optional<Subnet6> subnet = relays.isEmpty() ? subnetOf(link.addresses()) : subnetOfRelays(relays);
        MacAddress mac = null;
        Optional<Duid> clientId = msg.options().clientId();
        if (clientId.isPresent()) {
            mac = clientId.get().mac();
        }
        if (mac == null && !relays.isEmpty()) {
            Optional<byte[]> ll = relays.get(relays.size() - 1).options().clientLinkLayerAddress();
            if (ll.isPresent() && ll.get().length == 8 && ll.get()[0] == 0 && ll.get()[1] == 1) {
                mac = new MacAddress(java.util.Arrays.copyOfRange(ll.get(), 2, 8));
            }
        }
        Optional<Dhcp6Message.ClientServer> reply = answer(msg, subnet, mac, serverAddress(link, subnet), link);
        if (reply.isEmpty()) {
            return Optional.empty();
        }
        Dhcp6Message out = reply.get();
        for (int i = relays.size() - 1; i >= 0; i--) {
            Dhcp6Message.Relay r = relays.get(i);
            List<Dhcp6Option> o = new ArrayList<>();
            r.options().first(Dhcp6Option.INTERFACE_ID).ifPresent(o::add);
            o.add(new Dhcp6Option(Dhcp6Option.RELAY_MSG, Dhcp6Codec.encode(out)));
            out = new Dhcp6Message.Relay(Dhcp6MessageType.RELAY_REPL, r.hopCount(), r.linkAddress(), r.peerAddress(),
                    new Dhcp6Options(o));
        }
        return Optional.of(out);
    }

    private Optional<Subnet6> subnetOf(List<Inet6Address> addresses) {
        for (Inet6Address a : addresses) {
            for (Subnet6 s : subnets) {
                if (s.network().contains(a)) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    /** RFC 8415 section 13.1: the link-address of the relay closest to the client that set one. */
    private Optional<Subnet6> subnetOfRelays(List<Dhcp6Message.Relay> relays) {
        for (int i = relays.size() - 1; i >= 0; i--) {
            Inet6Address la = relays.get(i).linkAddress();
            if (!la.isAnyLocalAddress() && !la.isLinkLocalAddress()) {
                return subnetOf(List.of(la));
            }
        }
        return Optional.empty();
    }

    /**
     * The server's address for boot URLs: a global address of the receiving link in the subnet (else
     * any global one). Among several, an address an operator configured wins over a SLAAC one (its
     * interface identifier is not EUI-64's {@code ...ff:fe...}), then the lowest, so the URL is
     * stable across restarts.
     */
    static Optional<Inet6Address> serverAddress(Link link, Optional<Subnet6> subnet) {
        java.util.Comparator<Inet6Address> preference = java.util.Comparator
                .comparing((Inet6Address a) -> subnet.isEmpty() || !subnet.get().network().contains(a))
                .thenComparing(Dhcp6Engine::isEui64)
                .thenComparing(Ipv6Network::toBigInteger);
        return link.addresses().stream()
                .filter(a -> !a.isLinkLocalAddress() && !a.isLoopbackAddress() && !a.isAnyLocalAddress()
                        && !a.isMulticastAddress())
                .min(preference);
    }

    private static boolean isEui64(Inet6Address a) {
        byte[] b = a.getAddress();
        return (b[11] & 0xff) == 0xff && (b[12] & 0xff) == 0xfe;
    }

    private <T> Optional<T> ignore(Dhcp6Message m, Link link, String why) {
        metrics.ignored.inc();
        LOG.debug("dhcp6: ignored {} on {}: {}", m, link.interfaceName(), why);
        return Optional.empty();
    }

    private Optional<Dhcp6Message.ClientServer> answer(Dhcp6Message.ClientServer msg, Optional<Subnet6> subnet,
                                                       MacAddress mac, Optional<Inet6Address> server, Link link)
            throws MalformedPacketException {
        Dhcp6Options in = msg.options();
        Optional<Duid> clientId = in.clientId();
        Optional<Duid> sid = in.serverId();
        boolean ours = sid.isPresent() && sid.get().equals(serverId);
        Dhcp6MessageType type = msg.type();
        // RFC 8415 section 16: which messages this server must discard
        switch (type) {
            case SOLICIT, REBIND, CONFIRM -> {
                if (clientId.isEmpty() || sid.isPresent()) {
                    return ignore(msg, link, "no Client Identifier, or a Server Identifier where none belongs");
                }
            }
            case REQUEST, RENEW, RELEASE, DECLINE -> {
                if (clientId.isEmpty() || !ours) {
                    return ignore(msg, link, "no Client Identifier, or for another server");
                }
            }
            case INFORMATION_REQUEST -> {
                if ((sid.isPresent() && !ours) || in.has(Dhcp6Option.IA_NA) || in.has(Dhcp6Option.IA_TA)) {
                    return ignore(msg, link, "for another server, or with an IA");
                }
            }
            default -> {
                return ignore(msg, link, "not a client message");
            }
        }
        if (subnet.isEmpty() && type != Dhcp6MessageType.INFORMATION_REQUEST) {
            return ignore(msg, link, "no subnets6 entry for the client's link");
        }
        Instant now = clock.instant();
        List<Dhcp6Option> out = new ArrayList<>();
        out.add(Dhcp6Options.duidOption(Dhcp6Option.SERVERID, serverId));
        clientId.ifPresent(d -> out.add(Dhcp6Options.duidOption(Dhcp6Option.CLIENTID, d)));
        Dhcp6MessageType replyType = Dhcp6MessageType.REPLY;
        List<String> bound = new ArrayList<>();
        switch (type) {
            case SOLICIT -> {
                boolean rapid = in.has(Dhcp6Option.RAPID_COMMIT);
                boolean any = false;
                List<Dhcp6Option> ias = new ArrayList<>();
                for (IaNa ia : in.iaNas()) {
                    Optional<Inet6Address> a = rapid ? bind(subnet.get(), clientId.get(), ia, mac, now, bound)
                            : offer(subnet.get(), clientId.get(), ia, now);
                    any |= a.isPresent();
                    ias.add(a.isPresent() ? ia(subnet.get(), ia.iaid(), a.get())
                            : noAddress(ia.iaid()));
                }
                if (!in.iaNas().isEmpty() && !any && !rapid) {
                    // section 18.3.9: no address for any IA: an ADVERTISE without IAs, NoAddrsAvail
                    out.add(Dhcp6Options.statusCode(StatusCode.NO_ADDRS_AVAIL, "no addresses available"));
                } else {
                    out.addAll(ias);
                }
                if (rapid) {
                    out.add(new Dhcp6Option(Dhcp6Option.RAPID_COMMIT, new byte[0]));
                } else {
                    replyType = Dhcp6MessageType.ADVERTISE;
                }
            }
            case REQUEST -> {
                for (IaNa ia : in.iaNas()) {
                    Optional<Inet6Address> a = bind(subnet.get(), clientId.get(), ia, mac, now, bound);
                    out.add(a.isPresent() ? ia(subnet.get(), ia.iaid(), a.get()) : noAddress(ia.iaid()));
                }
            }
            case RENEW, REBIND -> {
                for (IaNa ia : in.iaNas()) {
                    out.add(extend(subnet.get(), clientId.get(), ia, mac, now, bound, type == Dhcp6MessageType.REBIND));
                }
            }
            case RELEASE, DECLINE -> {
                boolean decline = type == Dhcp6MessageType.DECLINE;
                for (IaNa ia : in.iaNas()) {
                    Optional<Dhcp6Option> problem = releaseOrDecline(subnet.get(), clientId.get(), ia, now, decline);
                    problem.ifPresent(out::add);
                }
                out.add(Dhcp6Options.statusCode(StatusCode.SUCCESS, decline ? "declined" : "released"));
            }
            case CONFIRM -> {
                List<Inet6Address> addresses = new ArrayList<>();
                for (IaNa ia : in.iaNas()) {
                    ia.addresses().forEach(x -> addresses.add(x.address()));
                }
                if (addresses.isEmpty()) {
                    return ignore(msg, link, "CONFIRM without addresses");
                }
                boolean onLink = addresses.stream().allMatch(x -> subnet.get().network().contains(x));
                out.add(onLink ? Dhcp6Options.statusCode(StatusCode.SUCCESS, "all addresses on link")
                        : Dhcp6Options.statusCode(StatusCode.NOT_ON_LINK, "an address is not on this link"));
            }
            case INFORMATION_REQUEST -> {
                // options only, below
            }
            default -> throw new IllegalStateException(type.toString());
        }
        subnet.ifPresent(s -> {
            if (!s.dnsServers().isEmpty()) {
                out.add(Dhcp6Options.addresses(Dhcp6Option.DNS_SERVERS, s.dnsServers()));
            }
        });
        String boot = bootOptions(in, mac, server, out);
        Dhcp6Message.ClientServer reply = new Dhcp6Message.ClientServer(replyType, msg.transactionId(),
                new Dhcp6Options(out));
        if (replyType == Dhcp6MessageType.ADVERTISE) {
            metrics.advertises.mark();
            LOG.debug("dhcp6: ADVERTISE to {} on {}{}", clientId.orElse(null), link.interfaceName(), boot);
        } else {
            metrics.replies.mark();
            if (!bound.isEmpty() || type == Dhcp6MessageType.RELEASE || type == Dhcp6MessageType.DECLINE) {
                LOG.info("dhcp6: REPLY to {} {}{} on {}: {}{}", type, clientId.map(Duid::toString).orElse("?"),
                        mac == null ? "" : " (" + mac + ")", link.interfaceName(),
                        bound.isEmpty() ? type.toString().toLowerCase(java.util.Locale.ROOT) : String.join(", ", bound),
                        boot);
            } else {
                LOG.debug("dhcp6: REPLY to {} {} on {}{}", type, clientId.orElse(null), link.interfaceName(), boot);
            }
        }
        return Optional.of(reply);
    }

    /**
     * Adds options 59 and 16 when the client boots, and takes option 23 out of {@code out} where
     * {@link BootAnswer#omitsDnsServersFor} says so; returns a phrase for the log line.
     */
    private String bootOptions(Dhcp6Options in, MacAddress mac, Optional<Inet6Address> server, List<Dhcp6Option> out)
            throws MalformedPacketException {
        Optional<Dhcp6Options.VendorClass> vc = in.vendorClass();
        String vendor = vc.filter(v -> v.enterprise() == Dhcp6Options.ENTERPRISE_UEFI).map(Dhcp6Options.VendorClass::first)
                .orElse(null);
        ClientInfo client = ClientInfo.classify(mac, vendor, in.clientArchitectures(), in.userClasses(), false);
        boolean asks = in.requestedOptions().contains(Dhcp6Option.BOOTFILE_URL);
        if (!asks && client.kind() == ClientKind.OTHER) {
            return "";
        }
        if (server.isEmpty()) {
            LOG.debug("dhcp6: no global address on the client's link: no boot file URL for {}", client.describe());
            return "";
        }
        Reservation r = mac == null ? null : reservations.apply(mac).orElse(null);
        Optional<BootAnswer> answer = rules.decide6(client, r, server.get());
        if (answer.isEmpty()) {
            return "";
        }
        if (answer.get().omitsDnsServersFor(client.kind())) {
            // an HTTP Boot URL naming an IP: no Dns() node between IPv6() and Uri() in the boot
            // device path, so GRUB finds its network there (see BootAnswer#omitsDnsServersFor)
            out.removeIf(o -> o.code() == Dhcp6Option.DNS_SERVERS);
        }
        out.add(Dhcp6Options.bootfileUrl(answer.get().filename()));
        if (client.kind() == ClientKind.HTTP_CLIENT) {
            out.add(Dhcp6Options.vendorClass(Dhcp6Options.ENTERPRISE_UEFI, "HTTPClient"));
        }
        metrics.bootAnswers.mark();
        return ", " + client.describe() + " boot " + answer.get().filename() + " (" + answer.get().source() + ")";
    }

    private Dhcp6Option ia(Subnet6 s, long iaid, Inet6Address a) {
        long valid = s.leaseTime().getSeconds();
        return Dhcp6Options.iaNa(iaid, valid / 2, valid * 4 / 5, List.of(Dhcp6Options.iaAddress(a, valid, valid)));
    }

    private Dhcp6Option noAddress(long iaid) {
        metrics.poolExhausted.inc();
        return Dhcp6Options.iaNa(iaid, 0, 0,
                List.of(Dhcp6Options.statusCode(StatusCode.NO_ADDRS_AVAIL, "no addresses available")));
    }

    /** Chooses an address for an IA and holds it for the client for {@link #OFFER_HOLD}. */
    private Optional<Inet6Address> offer(Subnet6 s, Duid duid, IaNa ia, Instant now) {
        synchronized (lock) {
            Optional<Inet6Address> a = choose(s, new Owner(duid, ia.iaid()), ia, now);
            a.ifPresent(ip -> hold(new Offer(new Owner(duid, ia.iaid()), ip, now.plus(OFFER_HOLD))));
            return a;
        }
    }

    private void hold(Offer o) {
        Offer old = offersByOwner.put(o.owner(), o);
        if (old != null) {
            offers.remove(old.ip());
        }
        offers.put(o.ip(), o);
    }

    /** Chooses an address and makes the binding durable; empty when none is free or the store fails. */
    private Optional<Inet6Address> bind(Subnet6 s, Duid duid, IaNa ia, MacAddress mac, Instant now, List<String> bound) {
        Owner owner = new Owner(duid, ia.iaid());
        Inet6Address ip;
        synchronized (lock) {
            Optional<Inet6Address> a = choose(s, owner, ia, now);
            if (a.isEmpty()) {
                return a;
            }
            ip = a.get();
            // held while the write happens outside the lock, so nobody else is given it meanwhile
            hold(new Offer(owner, ip, now.plus(OFFER_HOLD)));
        }
        return save(new Lease6(ip, duid, ia.iaid(), mac, now.plus(s.leaseTime()), Lease6.State.ACTIVE), bound)
                ? Optional.of(ip) : Optional.empty();
    }

    private boolean save(Lease6 lease, List<String> bound) {
        try {
            store.saveLease6(lease);
            metrics.bindings.mark();
            bound.add(Ipv6Network.literal(lease.ip()) + " iaid " + lease.iaid() + " until " + lease.expires());
            return true;
        } catch (IOException | RuntimeException e) {
            metrics.storeErrors.inc();
            LOG.warn("dhcp6: cannot store the binding {}: {}", lease, e.toString());
            return false;
        }
    }

    /** RENEW/REBIND of one IA (section 18.3.4, 18.3.5). */
    private Dhcp6Option extend(Subnet6 s, Duid duid, IaNa ia, MacAddress mac, Instant now, List<String> bound,
                               boolean rebind) {
        Optional<Lease6> lease = store.lease6(duid, ia.iaid())
                .filter(l -> l.state() == Lease6.State.ACTIVE && s.network().contains(l.ip()));
        List<Dhcp6Option> inner = new ArrayList<>();
        if (lease.isPresent()) {
            Lease6 l = lease.get();
            long valid = s.leaseTime().getSeconds();
            if (!save(new Lease6(l.ip(), duid, ia.iaid(), mac != null ? mac : l.mac(), now.plus(s.leaseTime()),
                    Lease6.State.ACTIVE), bound)) {
                inner.add(Dhcp6Options.statusCode(StatusCode.UNSPEC_FAIL, "cannot store the binding"));
                return Dhcp6Options.iaNa(ia.iaid(), 0, 0, inner);
            }
            inner.add(Dhcp6Options.iaAddress(l.ip(), valid, valid));
            // addresses the client still lists that are no longer its own: lifetimes 0
            for (IaAddress x : ia.addresses()) {
                if (!x.address().equals(l.ip())) {
                    inner.add(Dhcp6Options.iaAddress(x.address(), 0, 0));
                }
            }
            return Dhcp6Options.iaNa(ia.iaid(), valid / 2, valid * 4 / 5, inner);
        }
        if (rebind) {
            // no binding: an address that is not on this link gets lifetimes 0 (section 18.3.5)
            List<IaAddress> offLink = ia.addresses().stream().filter(x -> !s.network().contains(x.address())).toList();
            if (!offLink.isEmpty()) {
                offLink.forEach(x -> inner.add(Dhcp6Options.iaAddress(x.address(), 0, 0)));
                return Dhcp6Options.iaNa(ia.iaid(), 0, 0, inner);
            }
            // an address of our pool that is still free: the binding was lost, give it back
            for (IaAddress x : ia.addresses()) {
                if (s.inPool(x.address())) {
                    Optional<Inet6Address> a = bind(s, duid, ia, mac, now, bound);
                    if (a.isPresent()) {
                        return ia(s, ia.iaid(), a.get());
                    }
                }
            }
        }
        inner.add(Dhcp6Options.statusCode(StatusCode.NO_BINDING, "no binding for IAID " + ia.iaid()));
        return Dhcp6Options.iaNa(ia.iaid(), 0, 0, inner);
    }

    /** RELEASE/DECLINE of one IA's addresses (sections 18.3.7, 18.3.8); returns an IA with NoBinding if any is not the client's. */
    private Optional<Dhcp6Option> releaseOrDecline(Subnet6 s, Duid duid, IaNa ia, Instant now, boolean decline) {
        boolean unknown = false;
        for (IaAddress x : ia.addresses()) {
            Optional<Lease6> l = store.lease6ByIp(x.address()).filter(b -> b.ownedBy(duid, ia.iaid()));
            if (l.isEmpty()) {
                unknown = true;
                continue;
            }
            try {
                if (decline) {
                    // kept out of the pool for one lease time: something else uses it
                    store.saveLease6(new Lease6(x.address(), duid, ia.iaid(), l.get().mac(), now.plus(s.leaseTime()),
                            Lease6.State.DECLINED));
                    metrics.declines.inc();
                } else {
                    store.removeLease6(x.address());
                    metrics.releases.inc();
                }
            } catch (IOException e) {
                metrics.storeErrors.inc();
                LOG.warn("dhcp6: cannot store the {} of {}: {}", decline ? "decline" : "release",
                        Ipv6Network.literal(x.address()), e.toString());
            }
            synchronized (lock) {
                Offer o = offersByOwner.remove(new Owner(duid, ia.iaid()));
                if (o != null) {
                    offers.remove(o.ip());
                }
            }
        }
        return unknown ? Optional.of(Dhcp6Options.iaNa(ia.iaid(), 0, 0,
                List.of(Dhcp6Options.statusCode(StatusCode.NO_BINDING, "no binding for IAID " + ia.iaid()))))
                : Optional.empty();
    }

    /** The address for an IA: its binding, its offer, its hint if free, else a free pool address. Under the lock. */
    private Optional<Inet6Address> choose(Subnet6 s, Owner owner, IaNa ia, Instant now) {
        if (!s.hasPool()) {
            return Optional.empty();
        }
        Optional<Lease6> existing = store.lease6(owner.duid(), owner.iaid());
        if (existing.isPresent() && existing.get().state() != Lease6.State.DECLINED && s.inPool(existing.get().ip())
                && free(existing.get().ip(), owner, now)) {
            return Optional.of(existing.get().ip());
        }
        Offer offered = offersByOwner.get(owner);
        if (offered != null && offered.expires().isAfter(now) && s.inPool(offered.ip()) && free(offered.ip(), owner, now)) {
            return Optional.of(offered.ip());
        }
        for (IaAddress hint : ia.addresses()) {
            if (s.inPool(hint.address()) && free(hint.address(), owner, now)) {
                return Optional.of(hint.address());
            }
        }
        BigInteger size = s.poolSize();
        int probes = size.min(BigInteger.valueOf(Subnet6.MAX_PROBES)).intValueExact();
        // a random start: clients spread over a large pool, and an address is not guessable from a DUID
        BigInteger start = BigInteger.valueOf(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                .mod(size);
        for (int i = 0; i < probes; i++) {
            Inet6Address a = s.poolAddress(start.add(BigInteger.valueOf(i)).mod(size));
            if (free(a, owner, now) && !s.dnsServers().contains(a)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private boolean free(Inet6Address a, Owner owner, Instant now) {
        Optional<Lease6> l = store.lease6ByIp(a);
        if (l.isPresent() && !l.get().ownedBy(owner.duid(), owner.iaid()) && l.get().holds(now)) {
            return false;
        }
        if (l.isPresent() && l.get().state() == Lease6.State.DECLINED && l.get().holds(now)) {
            return false;
        }
        Offer o = offers.get(a);
        if (o != null && !o.owner().equals(owner)) {
            if (o.expires().isAfter(now)) {
                return false;
            }
            offers.remove(a);
            offersByOwner.remove(o.owner(), o);
        }
        return true;
    }

    /** Drops expired offers; called periodically by the server. */
    void sweep() {
        Instant now = clock.instant();
        synchronized (lock) {
            offers.values().removeIf(o -> !o.expires().isAfter(now));
            offersByOwner.values().removeIf(o -> !o.expires().isAfter(now));
        }
    }

    /**
     * Removes, durably, the bindings that expired {@link #HOLD_RECLAIMED} or longer ago, so a
     * network of churning clients (reinstalls, new VMs: new DUIDs) does not grow the store without
     * bound; the server calls it periodically. Never throws: a store failure is logged and counted,
     * and the next run tries again.
     *
     * @return how many bindings were removed
     */
    public int reclaim() {
        Instant expiredBy = clock.instant().minus(HOLD_RECLAIMED);
        List<Lease6> removed;
        try {
            removed = store.removeLeases6ExpiredBy(expiredBy);
        } catch (IOException | RuntimeException e) {
            metrics.storeErrors.inc();
            LOG.warn("dhcp6: cannot remove the bindings expired by {}: {}", expiredBy, e.toString());
            return 0;
        }
        for (Lease6 l : removed) {
            LOG.debug("dhcp6: removed the expired binding {}", l);
        }
        if (!removed.isEmpty()) {
            metrics.bindingsRemoved.inc(removed.size());
            LOG.info("dhcp6: removed {} binding(s) expired by {} ({} after expiry); {} left", removed.size(),
                    expiredBy, HOLD_RECLAIMED, store.leases6().size());
        }
        return removed.size();
    }

    /** A DUID-LL from a MAC, or a DUID-EN-like random one when there is none. */
    static Duid serverDuid(MacAddress mac) {
        if (mac != null) {
            return Duid.linkLayer(mac);
        }
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + 8);
        b.putShort((short) 2).putInt(54321).putLong(new java.security.SecureRandom().nextLong());
        return new Duid(b.array());
    }
}
