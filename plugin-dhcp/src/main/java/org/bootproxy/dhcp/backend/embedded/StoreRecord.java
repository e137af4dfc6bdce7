package org.bootproxy.dhcp.backend.embedded;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bootproxy.dhcp.model.Lease;
import org.bootproxy.dhcp.model.Lease6;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.protocol6.Duid;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.Ipv4Network;
import org.bootproxy.spi.net.Ipv6Network;
import org.bootproxy.spi.net.MacAddress;

/**
 * One change to the embedded store, as a journal and snapshot record. The binary form is a type
 * byte and the fields in order (big endian; strings as u16 length + UTF-8; nullable values behind
 * a presence byte); framing and checksums belong to {@link Journal}.
 */
sealed interface StoreRecord {

    byte PUT_RESERVATION = 1;
    byte DELETE_RESERVATION = 2;
    byte PUT_LEASE = 3;
    byte DELETE_LEASE = 4;
    byte PUT_LEASE6 = 5;
    byte DELETE_LEASE6 = 6;

    /** Creates or replaces the reservation of (subnet, mac). */
    record PutReservation(Reservation reservation) implements StoreRecord {
    }

    /** Removes the reservation of (subnet, mac). */
    record DeleteReservation(Ipv4Network subnet, MacAddress mac) implements StoreRecord {
    }

    /** Creates or replaces the lease of its IP. */
    record PutLease(Lease lease) implements StoreRecord {
    }

    /** Removes the lease of an IP. */
    record DeleteLease(Ipv4Address ip) implements StoreRecord {
    }

    /** Creates or replaces the DHCPv6 binding of its address. */
    record PutLease6(Lease6 lease) implements StoreRecord {
    }

    /** Removes the DHCPv6 binding of an address. */
    record DeleteLease6(Inet6Address ip) implements StoreRecord {
    }

    /** One line naming the record's content, for a report of what a damaged file held. */
    default String describe() {
        if (this instanceof PutReservation p) {
            Reservation r = p.reservation();
            return "reservation " + r.name() + " " + r.ip() + " " + r.mac() + " in " + r.subnet();
        } else if (this instanceof DeleteReservation d) {
            return "deletion of the reservation of " + d.mac() + " in " + d.subnet();
        } else if (this instanceof PutLease p) {
            Lease l = p.lease();
            return "lease " + l.ip() + " " + l.mac() + " until " + l.ends();
        } else if (this instanceof DeleteLease d) {
            return "removal of the lease of " + d.ip();
        } else if (this instanceof PutLease6 p) {
            return "DHCPv6 binding " + p.lease();
        } else {
            return "removal of the DHCPv6 binding of " + Ipv6Network.literal(((DeleteLease6) this).ip());
        }
    }

    /** The record's bytes. */
    default byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            // Java 17 has no pattern switch; the chain is exhaustive over the sealed hierarchy
            if (this instanceof PutReservation p) {
                Reservation r = p.reservation();
                out.writeByte(PUT_RESERVATION);
                writeNetwork(out, r.subnet());
                writeMac(out, r.mac());
                out.writeInt(r.ip().value());
                writeString(out, r.name());
                writeNullable(out, r.hostname());
                writeNullable(out, r.filename());
                writeNullable(out, r.nextServer());
                writeCount(out, r.relatedMacs().size());
                for (String m : r.relatedMacs()) {
                    writeString(out, m);
                }
                writeCount(out, r.options().size());
                for (Map.Entry<String, String> e : r.options().entrySet()) {
                    writeString(out, e.getKey());
                    writeString(out, e.getValue());
                }
                out.writeBoolean(r.deleteable());
            } else if (this instanceof DeleteReservation d) {
                out.writeByte(DELETE_RESERVATION);
                writeNetwork(out, d.subnet());
                writeMac(out, d.mac());
            } else if (this instanceof PutLease p) {
                Lease l = p.lease();
                out.writeByte(PUT_LEASE);
                writeNetwork(out, l.subnet());
                writeMac(out, l.mac());
                out.writeInt(l.ip().value());
                writeInstant(out, l.starts());
                writeInstant(out, l.ends());
                writeNullable(out, l.hostname());
            } else if (this instanceof DeleteLease d) {
                out.writeByte(DELETE_LEASE);
                out.writeInt(d.ip().value());
            } else if (this instanceof PutLease6 p) {
                Lease6 l = p.lease();
                out.writeByte(PUT_LEASE6);
                out.write(l.ip().getAddress());
                byte[] duid = l.duid().bytes();
                out.writeByte(duid.length);
                out.write(duid);
                out.writeInt((int) l.iaid());
                out.writeBoolean(l.mac() != null);
                if (l.mac() != null) {
                    writeMac(out, l.mac());
                }
                writeInstant(out, l.expires());
                out.writeByte(l.state().ordinal());
            } else {
                out.writeByte(DELETE_LEASE6);
                out.write(((DeleteLease6) this).ip().getAddress());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a record's bytes.
     *
     * @throws IOException naming what is wrong when the bytes are not a record of this version
     */
    static StoreRecord decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        try {
            byte type = in.readByte();
            StoreRecord r = switch (type) {
                case PUT_RESERVATION -> {
                    Ipv4Network subnet = readNetwork(in);
                    MacAddress mac = readMac(in);
                    Ipv4Address ip = new Ipv4Address(in.readInt());
                    String name = readString(in);
                    String hostname = readNullable(in);
                    String filename = readNullable(in);
                    String nextServer = readNullable(in);
                    int nr = in.readUnsignedShort();
                    List<String> related = new ArrayList<>(nr);
                    for (int i = 0; i < nr; i++) {
                        related.add(readString(in));
                    }
                    int no = in.readUnsignedShort();
                    Map<String, String> options = new LinkedHashMap<>();
                    for (int i = 0; i < no; i++) {
                        options.put(readString(in), readString(in));
                    }
                    boolean deleteable = in.readBoolean();
                    yield new PutReservation(new Reservation(name, hostname, ip, mac, subnet, filename, nextServer,
                            related, options, deleteable));
                }
                case DELETE_RESERVATION -> new DeleteReservation(readNetwork(in), readMac(in));
                case PUT_LEASE -> {
                    Ipv4Network subnet = readNetwork(in);
                    MacAddress mac = readMac(in);
                    Ipv4Address ip = new Ipv4Address(in.readInt());
                    Instant starts = readInstant(in);
                    Instant ends = readInstant(in);
                    yield new PutLease(new Lease(ip, mac, subnet, starts, ends, readNullable(in)));
                }
                case DELETE_LEASE -> new DeleteLease(new Ipv4Address(in.readInt()));
                case PUT_LEASE6 -> {
                    Inet6Address ip = readInet6(in);
                    byte[] duid = new byte[in.readUnsignedByte()];
                    in.readFully(duid);
                    long iaid = Integer.toUnsignedLong(in.readInt());
                    MacAddress mac = in.readBoolean() ? readMac(in) : null;
                    Instant expires = readInstant(in);
                    int state = in.readUnsignedByte();
                    if (state >= Lease6.State.values().length) {
                        throw new IOException("DHCPv6 binding with unknown state " + state);
                    }
                    yield new PutLease6(new Lease6(ip, new Duid(duid), iaid, mac, expires, Lease6.State.values()[state]));
                }
                case DELETE_LEASE6 -> new DeleteLease6(readInet6(in));
                default -> throw new IOException("unknown store record type " + type);
            };
            if (in.available() > 0) {
                throw new IOException("store record of type " + type + " has " + in.available() + " extra bytes");
            }
            return r;
        } catch (EOFException e) {
            throw new IOException("store record is truncated (" + payload.length + " bytes)", e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("store record holds an invalid value: " + e.getMessage(), e);
        }
    }

    private static Inet6Address readInet6(DataInputStream in) throws IOException {
        byte[] a = new byte[16];
        in.readFully(a);
        return (Inet6Address) Inet6Address.getByAddress(null, a, -1);
    }

    private static void writeCount(DataOutputStream out, int n) throws IOException {
        if (n > 0xffff) {
            throw new IllegalArgumentException(n + " entries are too many for a store record");
        }
        out.writeShort(n);
    }

    private static void writeNetwork(DataOutputStream out, Ipv4Network n) throws IOException {
        out.writeInt(n.address().value());
        out.writeByte(n.prefix());
    }

    private static Ipv4Network readNetwork(DataInputStream in) throws IOException {
        return new Ipv4Network(new Ipv4Address(in.readInt()), in.readUnsignedByte());
    }

    private static void writeMac(DataOutputStream out, MacAddress mac) throws IOException {
        byte[] o = mac.octets();
        out.writeByte(o.length);
        out.write(o);
    }

    private static MacAddress readMac(DataInputStream in) throws IOException {
        byte[] o = new byte[in.readUnsignedByte()];
        in.readFully(o);
        return new MacAddress(o);
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("string of " + b.length + " bytes is too long for a store record");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }
}
