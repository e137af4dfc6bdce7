package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bootproxy.dhcp.backend.BackendUnavailableException;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * The commands of Kea's {@code host_cmds} hook ({@code libdhcp_host_cmds.so}) that bootproxy
 * uses, as the Kea ARM documents them ("libdhcp_host_cmds.so: Host Commands"): every command
 * names its {@code subnet-id} and its {@code operation-target} ({@code memory}: the running
 * configuration; {@code database}: the hosts database; Kea 2.4 and later).
 *
 * <p>Result codes: 0 success, 1 error (with Kea's text), 2 the command is unknown (the hook is not
 * loaded), 3 empty. "Not found" answers differ between the ARM and Kea's code: the ARM shows
 * {@code reservation-get} answering {@code {"result": 0, "text": "Host not found."}} without
 * arguments and {@code reservation-del} answering {@code {"result": 1, "text": "Host not deleted
 * (not found)."}}, Kea 2.7 and later answer both with result 3; both forms are read as "none".
 * Stateless and thread-safe.
 */
final class KeaHostCmds {

    /** Hosts per {@code reservation-get-page} call. */
    static final int PAGE = 1000;
    /** The commands bootproxy needs; host_cmds has had all of them since Kea 2.4. */
    static final List<String> COMMANDS = List.of("reservation-add", "reservation-del", "reservation-get",
            "reservation-get-by-address", "reservation-get-page");

    /** Where a host lives, as {@code operation-target} names it. */
    enum Target {
        MEMORY("memory"), DATABASE("database");

        final String wire;

        Target(String wire) {
            this.wire = wire;
        }
    }

    /** Kea's host_cmds answered with result 2: the hook is no longer loaded. */
    static final class Unloaded extends Exception {
        Unloaded(String message) {
            super(message);
        }
    }

    private final KeaChannel channel;

    KeaHostCmds(KeaChannel channel) {
        this.channel = channel;
    }

    /**
     * {@code reservation-add} of {@code host} (a host entry as in the configuration) to subnet
     * {@code subnetId} in {@code target}.
     *
     * @return Kea's answer: result 0 added, 1 refused with Kea's text (duplicate, no hosts database, bad value)
     */
    KeaResponse add(long subnetId, ObjectNode host, Target target) throws BackendUnavailableException, Unloaded {
        ObjectNode args = KeaChannel.JSON.createObjectNode();
        ObjectNode reservation = args.putObject("reservation");
        reservation.put("subnet-id", subnetId);
        host.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("subnet-id")) {
                reservation.set(e.getKey(), e.getValue());
            }
        });
        args.put("operation-target", target.wire);
        return supported("reservation-add", channel.send("reservation-add", args));
    }

    /**
     * {@code reservation-del} of the host of {@code mac} in subnet {@code subnetId} from {@code target}.
     *
     * @return true when Kea deleted it, false when Kea had no such host
     * @throws BackendUnavailableException when Kea refused (with its text)
     */
    boolean delete(long subnetId, MacAddress mac, Target target) throws BackendUnavailableException, Unloaded {
        ObjectNode args = byMac(subnetId, mac, target);
        KeaResponse r = supported("reservation-del", channel.send("reservation-del", args));
        if (r.result() == KeaResponse.SUCCESS) {
            return true;
        }
        if (r.result() == KeaResponse.EMPTY || r.text().contains("not found")) {
            return false;
        }
        throw new BackendUnavailableException("Kea at " + channel.describe() + " refused to delete the reservation of "
                + mac + " in subnet " + subnetId + " from its " + target.wire + ": " + r.text(), null);
    }

    /** {@code reservation-get} by hw-address in {@code target}: the host of {@code mac} in the subnet, if any. */
    Optional<Reservation> byMac(long subnetId, Ipv4Network net, MacAddress mac, Target target, boolean deleteable)
            throws BackendUnavailableException, Unloaded {
        KeaResponse r = read("reservation-get", byMac(subnetId, mac, target));
        if (r.arguments() == null || !r.arguments().has("hw-address")) {
            return Optional.empty();
        }
        return Optional.ofNullable(KeaConfig.reservation(r.arguments(), net, deleteable));
    }

    /** {@code reservation-get-by-address} in {@code target}: every host of {@code ip} in the subnet. */
    List<Reservation> byIp(long subnetId, Ipv4Network net, Ipv4Address ip, Target target, boolean deleteable)
            throws BackendUnavailableException, Unloaded {
        ObjectNode args = KeaChannel.JSON.createObjectNode();
        args.put("subnet-id", subnetId);
        args.put("ip-address", ip.toString());
        args.put("operation-target", target.wire);
        KeaResponse r = read("reservation-get-by-address", args);
        List<Reservation> out = new ArrayList<>();
        if (r.arguments() != null) {
            for (JsonNode h : r.arguments().path("hosts")) {
                Reservation res = KeaConfig.reservation(h, net, deleteable);
                if (res != null) {
                    out.add(res);
                }
            }
        }
        return out;
    }

    /**
     * Every host in a hosts database, by subnet id, paged with {@code reservation-get-page} (which
     * has no {@code operation-target}: it walks every source, and the {@code source-index} of
     * each answer's {@code next} says which one the page came from, 0 being the configuration,
     * whose hosts {@code config-get} already gives).
     */
    Map<Long, List<JsonNode>> databaseHosts() throws BackendUnavailableException, Unloaded {
        Map<Long, List<JsonNode>> out = new HashMap<>();
        long from = 0;
        long source = 0;
        while (true) {
            ObjectNode args = KeaChannel.JSON.createObjectNode();
            args.put("limit", PAGE);
            args.put("source-index", source);
            args.put("from", from);
            KeaResponse r = read("reservation-get-page", args);
            JsonNode next = r.arguments() == null ? null : r.arguments().get("next");
            JsonNode hosts = r.arguments() == null ? null : r.arguments().get("hosts");
            if (r.result() == KeaResponse.EMPTY || next == null || hosts == null || hosts.isEmpty()) {
                return out;
            }
            long nextSource = next.path("source-index").asLong(-1);
            long nextFrom = next.path("from").asLong(-1);
            if (nextSource < source || nextSource == source && nextFrom <= from) {
                throw new BackendUnavailableException("Kea at " + channel.describe() + " answered reservation-get-page"
                        + " with a 'next' that does not advance (" + next + " after source-index " + source + ", from "
                        + from + ")", null);
            }
            if (nextSource >= 1) {
                for (JsonNode h : hosts) {
                    out.computeIfAbsent(h.path("subnet-id").asLong(-1), k -> new ArrayList<>()).add(h);
                }
            }
            source = nextSource;
            from = nextFrom;
        }
    }

    private ObjectNode byMac(long subnetId, MacAddress mac, Target target) {
        ObjectNode args = KeaChannel.JSON.createObjectNode();
        args.put("subnet-id", subnetId);
        args.put("identifier-type", "hw-address");
        args.put("identifier", mac.toString());
        args.put("operation-target", target.wire);
        return args;
    }

    /** A read: result 0 or 3, else Kea could not be read. */
    private KeaResponse read(String command, ObjectNode args) throws BackendUnavailableException, Unloaded {
        KeaResponse r = supported(command, channel.send(command, args));
        if (r.result() != KeaResponse.SUCCESS && r.result() != KeaResponse.EMPTY) {
            throw new BackendUnavailableException("Kea at " + channel.describe() + " failed " + command + " " + args
                    + ": " + r.text(), null);
        }
        return r;
    }

    private KeaResponse supported(String command, KeaResponse r) throws Unloaded {
        if (r.result() == KeaResponse.UNSUPPORTED) {
            throw new Unloaded("Kea at " + channel.describe() + " does not support " + command + " any more (host_cmds"
                    + " unloaded?): " + r.text());
        }
        return r;
    }
}
