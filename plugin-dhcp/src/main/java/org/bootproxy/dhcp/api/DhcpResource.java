package org.bootproxy.dhcp.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.bootproxy.dhcp.backend.AddOutcome;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.DhcpBackendException;
import org.bootproxy.dhcp.backend.LeasesUnavailableException;
import org.bootproxy.dhcp.backend.NotDeleteableException;
import org.bootproxy.dhcp.backend.RecordRejectedException;
import org.bootproxy.dhcp.backend.ReservationConflictException;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.api.ApiErrors;
import org.bootproxy.spi.api.RackParams;
import org.bootproxy.spi.log.LogSafe;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /dhcp}: Foreman's smart-proxy DHCP API (API.md, DHCP section) over a {@link DhcpBackend}.
 *
 * <p>Status codes: 200 (POST/DELETE with an empty body), 400 for a bad value (named in the body),
 * 404 for an unknown subnet or a lookup that finds nothing, 409 for a reservation that collides
 * with another, 503 when the backend cannot be reached, 501 when it cannot read leases at all
 * ({@link LeasesUnavailableException}: Kea without lease_cmds). A rejected request changes nothing.
 * Thread-safe.
 */
@Path("/dhcp")
@Produces(MediaType.APPLICATION_JSON)
public final class DhcpResource {

    private static final Logger LOG = LoggerFactory.getLogger(DhcpResource.class);

    /** Form keys that are fields of the record, not options passed through. */
    private static final Set<String> RECORD_KEYS = Set.of("hostname", "name", "ip", "mac", "network", "filename",
            "nextServer", "related_macs",
            // upstream drops these (route captures, or keys that would shadow the record's own JSON)
            "subnet", "captures", "splat", "type", "deleteable", "state", "starts", "ends");
    private static final Pattern OPTION_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}(\\[[A-Za-z0-9_-]{1,64}])?");
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)" + LABEL + "(\\." + LABEL + ")*\\.?");
    private static final Pattern BOOT_FILE = Pattern.compile("[A-Za-z0-9._~:/?@!$&()*+;=%\\[\\]-]+");
    private static final int MAX_BOOT_FILE = 127;
    /** DHCP option 67 and the {@code file} field carry at most 255 bytes. */
    private static final int MAX_VALUE_BYTES = 255;
    /** Bounds a record's size in the store and in every answer that lists it. */
    private static final int MAX_OPTIONS = 32;
    private static final int MAX_RELATED_MACS = 32;

    private final DhcpBackend backend;
    private final UnusedIpFinder finder;
    private final InstantSource clock;

    public DhcpResource(DhcpBackend backend, UnusedIpFinder finder, InstantSource clock) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.finder = Objects.requireNonNull(finder, "finder");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @GET
    public List<Map<String, Object>> subnets() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Subnet s : call(backend::subnets)) {
            out.add(RecordJson.subnet(s));
        }
        return out;
    }

    @GET
    @Path("/{network}")
    public StreamingOutput subnetRecords(@PathParam("network") String network) {
        Subnet subnet = subnet(network);
        var now = clock.instant();
        // read before answering, so a backend failure is still a 503 and not a cut-off 200
        List<Reservation> reservations = call(() -> backend.reservations(subnet));
        List<Lease> leases = call(() -> backend.activeLeases(subnet));
        return RecordJson.stream(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("reservations");
            for (Reservation r : reservations) {
                RecordJson.reservation(g, r);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("leases");
            for (Lease l : leases) {
                RecordJson.lease(g, l, now);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    @GET
    @Path("/{network}/unused_ip")
    public Map<String, Object> unusedIp(@PathParam("network") String network, @Context UriInfo uri) {
        Subnet subnet = subnet(network);
        RackParams p = RackParams.parse(query(uri), null);
        Ipv4Address from = optionalIp(p.nonBlank("from"), "from");
        Ipv4Address to = optionalIp(p.nonBlank("to"), "to");
        for (Ipv4Address a : new Ipv4Address[] {from, to}) {
            if (a != null && !subnet.network().contains(a)) {
                throw ApiErrors.badRequest("Address " + a + " is not in subnet " + subnet.network());
            }
        }
        if (from != null && to != null && from.compareTo(to) > 0) {
            throw ApiErrors.badRequest("Invalid range: from " + from + " is after to " + to);
        }
        // clip to host addresses: never the network or broadcast address
        Ipv4Address lo = from == null || from.compareTo(subnet.firstHost()) < 0 ? subnet.firstHost() : from;
        Ipv4Address hi = to == null || to.compareTo(subnet.lastHost()) > 0 ? subnet.lastHost() : to;
        String macText = p.nonBlank("mac");
        MacAddress mac = macText == null ? null : mac(macText);
        Map<String, Object> answer = new LinkedHashMap<>();
        if (lo.compareTo(hi) > 0) {
            answer.put("ip", null);
            return answer;
        }
        if (mac != null) {
            Optional<Ipv4Address> held = call(() -> backend.reservationByMac(subnet, mac)).map(Reservation::ip)
                    .or(() -> call(() -> backend.activeLeaseByMac(subnet, mac)).map(Lease::ip))
                    .filter(ip -> ip.compareTo(lo) >= 0 && ip.compareTo(hi) <= 0);
            if (held.isPresent()) {
                answer.put("ip", held.get().toString());
                return answer;
            }
        }
        Set<Ipv4Address> servers = new HashSet<>();
        servers.addAll(subnet.routers());
        servers.addAll(subnet.domainNameServers());
        servers.addAll(subnet.ntpServers());
        Predicate<Ipv4Address> used = ip -> servers.contains(ip)
                || call(() -> backend.reservationByIp(subnet, ip)).isPresent()
                || call(() -> backend.activeLeaseByIp(subnet, ip)).isPresent();
        Optional<Ipv4Address> found;
        try {
            found = finder.find(subnet, lo, hi, mac, used);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiErrors.error(503, "Interrupted while probing for a free address in " + subnet.network());
        }
        answer.put("ip", found.map(Ipv4Address::toString).orElse(null));
        return answer;
    }

    @GET
    @Path("/{network}/mac/{mac}")
    public StreamingOutput byMac(@PathParam("network") String network, @PathParam("mac") String macText) {
        Subnet subnet = subnet(network);
        MacAddress mac = mac(macText);
        Optional<Reservation> r = call(() -> backend.reservationByMac(subnet, mac));
        if (r.isPresent()) {
            return RecordJson.stream(g -> RecordJson.reservation(g, r.get()));
        }
        Optional<Lease> l = call(() -> backend.activeLeaseByMac(subnet, mac));
        if (l.isPresent()) {
            var now = clock.instant();
            return RecordJson.stream(g -> RecordJson.lease(g, l.get(), now));
        }
        throw ApiErrors.notFound("No DHCP record for MAC " + mac + " in " + subnet.network().address());
    }

    @GET
    @Path("/{network}/ip/{ip}")
    public StreamingOutput byIp(@PathParam("network") String network, @PathParam("ip") String ipText) {
        Subnet subnet = subnet(network);
        Ipv4Address ip = ip(ipText, "IP");
        // several when a bonded host's reservations share the IP (DhcpBackend, bonded hosts)
        List<Reservation> r = call(() -> backend.reservationsByIp(subnet, ip));
        Optional<Lease> l = call(() -> backend.activeLeaseByIp(subnet, ip));
        if (r.isEmpty() && l.isEmpty()) {
            throw ApiErrors.notFound("No DHCP record for IP " + ip + " in " + subnet.network().address());
        }
        var now = clock.instant();
        return RecordJson.stream(g -> {
            g.writeStartArray();
            for (Reservation res : r) {
                RecordJson.reservation(g, res);
            }
            if (l.isPresent()) {
                RecordJson.lease(g, l.get(), now);
            }
            g.writeEndArray();
        });
    }

    @POST
    @Path("/{network}")
    @Consumes(MediaType.WILDCARD)
    public Response create(@PathParam("network") String network, @Context UriInfo uri, String body) {
        Subnet subnet = subnet(network);
        RackParams p = RackParams.parse(query(uri), body).withRoute("network", network);
        Reservation r = reservationFrom(subnet, p);
        AddOutcome outcome;
        try {
            outcome = backend.addReservation(r);
        } catch (ReservationConflictException e) {
            LOG.info("DHCP reservation {} {} for {} refused: conflicts with {} {} ({})", r.ip(), r.mac(),
                    LogSafe.escape(r.name()), e.existing().ip(), e.existing().mac(), LogSafe.escape(e.existing().name()));
            throw ApiErrors.conflict(e.getMessage());
        } catch (DhcpBackendException e) {
            throw map(e);
        }
        if (outcome == AddOutcome.CREATED) {
            LOG.info("DHCP reservation created: {} {} {} in {} (filename={}, nextServer={})", LogSafe.escape(r.name()),
                    r.mac(), r.ip(), subnet.network(), LogSafe.escape(r.filename()), LogSafe.escape(r.nextServer()));
        } else {
            LOG.debug("DHCP reservation {} {} {} already exists unchanged", r.name(), r.mac(), r.ip());
        }
        return Response.ok().build();
    }

    @DELETE
    @Path("/{network}/mac/{mac}")
    public Response deleteByMac(@PathParam("network") String network, @PathParam("mac") String macText) {
        Subnet subnet = subnet(network);
        MacAddress mac = mac(macText);
        Optional<Reservation> r = call(() -> backend.reservationByMac(subnet, mac));
        if (r.isPresent()) {
            delete(r.get());
        } else {
            call(() -> backend.activeLeaseByMac(subnet, mac)).ifPresent(DhcpResource::refuseLease);
        }
        return Response.ok().build();
    }

    @DELETE
    @Path("/{network}/ip/{ip}")
    public Response deleteByIp(@PathParam("network") String network, @PathParam("ip") String ipText) {
        Subnet subnet = subnet(network);
        Ipv4Address ip = ip(ipText, "IP");
        // every reservation of the IP, as smart-proxy's del_records_by_ip (a bonded host has several);
        // DELETE .../mac/<mac> removes one and leaves the others
        List<Reservation> r = call(() -> backend.reservationsByIp(subnet, ip));
        if (!r.isEmpty()) {
            r.forEach(this::delete);
        } else {
            call(() -> backend.activeLeaseByIp(subnet, ip)).ifPresent(DhcpResource::refuseLease);
        }
        return Response.ok().build();
    }

    // ------------------------------------------------------------------ helpers

    private void delete(Reservation r) {
        boolean deleted;
        try {
            deleted = backend.deleteReservation(r);
        } catch (DhcpBackendException e) {
            throw map(e);
        }
        if (deleted) {
            LOG.info("DHCP reservation deleted: {} {} {} in {}", LogSafe.escape(r.name()), r.mac(), r.ip(), r.subnet());
        }
    }

    private static void refuseLease(Lease l) {
        throw ApiErrors.badRequest("Record " + l.subnet().address() + "/" + l.ip()
                + " is a lease and cannot be deleted");
    }

    /** Validates the form of a POST into a reservation; any bad value is a 400 naming it. */
    private static Reservation reservationFrom(Subnet subnet, RackParams p) {
        String macText = p.nonBlank("mac");
        if (macText == null) {
            throw ApiErrors.badRequest("Must provide mac");
        }
        MacAddress mac = mac(macText);
        String ipText = p.nonBlank("ip");
        if (ipText == null) {
            throw ApiErrors.badRequest("Must provide ip");
        }
        Ipv4Address ip = ip(ipText, "IP");
        if (!subnet.isHostAddress(ip)) {
            throw ApiErrors.badRequest("IP " + ip + " is not a host address of subnet " + subnet.network());
        }
        String hostname = p.nonBlank("hostname");
        String name = p.nonBlank("name");
        if (hostname == null && name == null) {
            throw ApiErrors.badRequest("Must provide hostname");
        }
        hostname = dnsName(text(hostname != null ? hostname : name, "hostname"), "hostname");
        name = dnsName(text(name != null ? name : hostname, "name"), "name");
        String filename = p.nonBlank("filename");
        if (filename != null) {
            filename = bootFileName(text(filename, "filename"));
        }
        String nextServer = p.nonBlank("nextServer");
        if (nextServer != null && !Ipv4Address.isValid(nextServer)
                && (nextServer.length() > 63 || !DNS_NAME.matcher(nextServer).matches())) {
            // a host name longer than 63 characters fits no DHCP sname field
            throw ApiErrors.badRequest("Invalid nextServer (an IPv4 address or a host name): "
                    + LogSafe.escape(nextServer));
        }
        List<String> related = new ArrayList<>();
        for (String m : p.list("related_macs")) {
            if (!m.isBlank()) { // Foreman sends a bare related_macs[] for "none"
                String norm = mac(m).toString();
                if (!norm.equals(mac.toString()) && !related.contains(norm)) {
                    related.add(norm);
                }
                if (related.size() > MAX_RELATED_MACS) {
                    throw ApiErrors.badRequest("Too many related_macs (at most " + MAX_RELATED_MACS + ")");
                }
            }
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : p.asMap().entrySet()) {
            String key = e.getKey();
            if (RECORD_KEYS.contains(key)) {
                continue;
            }
            if (e.getValue() instanceof String value) {
                addOption(options, key, value);
            } else if (e.getValue() instanceof Map<?, ?> nested) {
                // e.g. Foreman's ztp_firmware[core]=...&ztp_firmware[path]=...: kept as "ztp_firmware[core]"
                for (Map.Entry<?, ?> n : nested.entrySet()) {
                    if (n.getValue() instanceof String value) {
                        addOption(options, key + "[" + n.getKey() + "]", value);
                    }
                }
            }
            // other lists (k[]=...) carry nothing a reservation stores: ignored, as upstream's embedded
            // providers do
        }
        try {
            return new Reservation(name, hostname, ip, mac, subnet.network(), filename, nextServer, related, options,
                    true);
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest(e.getMessage());
        }
    }

    private static void addOption(Map<String, String> options, String key, String value) {
        if (key.startsWith("<") || RecordJson.SPARC_KEY.matcher(key).matches()) {
            throw ApiErrors.badRequest("Vendor options are not supported by this DHCP provider: " + key);
        }
        if (!OPTION_KEY.matcher(key).matches()) {
            throw ApiErrors.badRequest("Invalid option name: " + key);
        }
        options.put(key, text(value, key));
        if (options.size() > MAX_OPTIONS) {
            throw ApiErrors.badRequest("Too many options (at most " + MAX_OPTIONS + "): " + options.keySet());
        }
    }

    /** A printable value of at most 255 bytes. */
    /** A host name as DNS has it (labels of 1 to 63 letters, digits and inner dashes), else 400. */
    private static String dnsName(String value, String what) {
        if (!DNS_NAME.matcher(value).matches()) {
            throw ApiErrors.badRequest("Invalid " + what + " (a DNS name: labels of 1 to 63 letters, digits and "
                    + "inner dashes): " + LogSafe.escape(value));
        }
        return value;
    }

    /**
     * A boot file name every DHCP server configuration carries as plain data: a TFTP path or a URL
     * in ASCII without spaces, quotes, backslashes, commas or {@code #}, at most 127 bytes (the
     * BOOTP {@code file} field), else 400.
     */
    private static String bootFileName(String value) {
        if (value.length() > MAX_BOOT_FILE || !BOOT_FILE.matcher(value).matches()) {
            throw ApiErrors.badRequest("Invalid filename (a TFTP path or URL of at most " + MAX_BOOT_FILE
                    + " characters from A-Z a-z 0-9 - . _ ~ : / ? @ ! $ & ( ) * + ; = % [ ]): "
                    + LogSafe.escape(value));
        }
        return value;
    }

    private static String text(String value, String what) {
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            throw ApiErrors.badRequest("Value of " + what + " is longer than " + MAX_VALUE_BYTES + " bytes: "
                    + value.substring(0, 40) + "...");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw ApiErrors.badRequest("Invalid " + what + " (control character): " + value.replaceAll(
                        "\\p{Cntrl}", "?"));
            }
        }
        return value;
    }

    private static String query(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawQuery();
    }

    private Subnet subnet(String network) {
        if (!Ipv4Address.isValid(network)) {
            throw ApiErrors.notFound("Subnet " + network + " not found");
        }
        Ipv4Address a = Ipv4Address.parse(network);
        return call(() -> backend.subnet(a)).orElseThrow(() -> ApiErrors.notFound("Subnet " + network + " not found"));
    }

    private static MacAddress mac(String text) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest("Invalid MAC address: " + text);
        }
    }

    private static Ipv4Address ip(String text, String what) {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiErrors.badRequest("Invalid " + what + " address: " + text);
        }
    }

    private static Ipv4Address optionalIp(String text, String what) {
        return text == null ? null : ip(text, "'" + what + "'");
    }

    private static WebApplicationException map(DhcpBackendException e) {
        // exhaustive over the sealed hierarchy (no pattern switch in Java 17)
        if (e instanceof ReservationConflictException) {
            return ApiErrors.conflict(e.getMessage());
        } else if (e instanceof NotDeleteableException || e instanceof RecordRejectedException) {
            return ApiErrors.badRequest(e.getMessage());
        } else if (e instanceof LeasesUnavailableException) {
            return ApiErrors.error(501, e.getMessage());
        } else {
            LOG.warn("DHCP backend unavailable: {}", LogSafe.escape(e.getMessage()));
            return ApiErrors.error(503, e.getMessage());
        }
    }

    /** A backend read. */
    @FunctionalInterface
    private interface Read<T> {
        T get() throws BackendUnavailableException;
    }

    private static <T> T call(Read<T> read) {
        try {
            return read.get();
        } catch (BackendUnavailableException e) {
            throw map(e);
        }
    }
}
