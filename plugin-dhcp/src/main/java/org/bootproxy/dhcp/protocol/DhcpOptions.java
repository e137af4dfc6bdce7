package org.bootproxy.dhcp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.bootproxy.spi.net.Ipv4Address;

/**
 * The options of a DHCP message: an immutable, ordered map from option code to raw value, with
 * typed readers for the options bootproxy uses. Values are raw bytes as on the wire (an option
 * split into several instances per RFC 3396 is already concatenated). Thread-safe (immutable).
 *
 * <p>Readers return empty for an absent option. The codec has already checked the lengths of the
 * fixed-size options it knows ({@link DhcpCodec#decode}), so readers do not throw on wire data.
 */
public final class DhcpOptions {

    private static final DhcpOptions EMPTY = new DhcpOptions(new LinkedHashMap<>());

    private final Map<Integer, byte[]> values;

    private DhcpOptions(LinkedHashMap<Integer, byte[]> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static DhcpOptions empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding a copy of these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        values.forEach(b::put);
        return b;
    }

    /** The option codes present, in wire order. */
    public List<Integer> codes() {
        return List.copyOf(values.keySet());
    }

    public boolean has(int code) {
        return values.containsKey(code);
    }

    /** A copy of the raw value of {@code code}. */
    public Optional<byte[]> raw(int code) {
        byte[] v = values.get(code);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    int rawLength(int code) {
        byte[] v = values.get(code);
        return v == null ? -1 : v.length;
    }

    byte[] rawUnsafe(int code) {
        return values.get(code);
    }

    /** Option 53. */
    public Optional<MessageType> messageType() {
        byte[] v = values.get(OptionCode.MESSAGE_TYPE);
        return v == null || v.length != 1 ? Optional.empty() : Optional.ofNullable(MessageType.of(v[0] & 0xff));
    }

    /** A 4-byte address option (50 requested IP, 54 server id). */
    public Optional<Ipv4Address> address(int code) {
        byte[] v = values.get(code);
        return v == null || v.length != 4 ? Optional.empty() : Optional.of(Ipv4Address.of(v, 0));
    }

    /** A list-of-addresses option (3, 6, 42). */
    public List<Ipv4Address> addresses(int code) {
        byte[] v = values.get(code);
        if (v == null || v.length % 4 != 0) {
            return List.of();
        }
        List<Ipv4Address> out = new ArrayList<>(v.length / 4);
        for (int i = 0; i < v.length; i += 4) {
            out.add(Ipv4Address.of(v, i));
        }
        return out;
    }

    /** A 32-bit unsigned option (51, 58, 59) as a long. */
    public Optional<Long> uint32(int code) {
        byte[] v = values.get(code);
        if (v == null || v.length != 4) {
            return Optional.empty();
        }
        return Optional.of(Ipv4Address.of(v, 0).unsigned());
    }

    /** A 16-bit unsigned option (26, 57). */
    public OptionalInt uint16(int code) {
        byte[] v = values.get(code);
        return v == null || v.length != 2 ? OptionalInt.empty() : OptionalInt.of(((v[0] & 0xff) << 8) | (v[1] & 0xff));
    }

    /** A text option (12, 15, 60, 66, 67), bytes as ISO-8859-1, trailing NULs removed. */
    public Optional<String> string(int code) {
        byte[] v = values.get(code);
        if (v == null) {
            return Optional.empty();
        }
        int n = v.length;
        while (n > 0 && v[n - 1] == 0) {
            n--;
        }
        return Optional.of(new String(v, 0, n, StandardCharsets.ISO_8859_1));
    }

    /** Option 60, the vendor class identifier. */
    public Optional<String> vendorClass() {
        return string(OptionCode.VENDOR_CLASS);
    }

    /** Option 55, the parameter request list. */
    public boolean requested(int code) {
        byte[] v = values.get(OptionCode.PARAMETER_REQUEST_LIST);
        if (v == null) {
            return false;
        }
        for (byte b : v) {
            if ((b & 0xff) == code) {
                return true;
            }
        }
        return false;
    }

    /** Option 93 (RFC 4578): the client's architecture types, in the client's order. */
    public List<Integer> clientArchitectures() {
        byte[] v = values.get(OptionCode.CLIENT_ARCH);
        if (v == null || v.length < 2 || v.length % 2 != 0) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>(v.length / 2);
        for (int i = 0; i < v.length; i += 2) {
            out.add(((v[i] & 0xff) << 8) | (v[i + 1] & 0xff));
        }
        return out;
    }

    /**
     * Option 77, the user classes. RFC 3004 sends a sequence of length-prefixed class names; iPXE
     * (and older clients) send one plain string ({@code iPXE}). A value that does not parse exactly
     * as RFC 3004 is taken as one plain string.
     */
    public List<String> userClasses() {
        byte[] v = values.get(OptionCode.USER_CLASS);
        if (v == null || v.length == 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < v.length) {
            int len = v[i] & 0xff;
            if (len == 0 || i + 1 + len > v.length) {
                return List.of(new String(v, StandardCharsets.ISO_8859_1));
            }
            out.add(new String(v, i + 1, len, StandardCharsets.ISO_8859_1));
            i += 1 + len;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DhcpOptions other) || other.values.size() != values.size()) {
            return false;
        }
        List<Map.Entry<Integer, byte[]>> a = new ArrayList<>(values.entrySet());
        List<Map.Entry<Integer, byte[]>> b = new ArrayList<>(other.values.entrySet());
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).getKey().equals(b.get(i).getKey()) || !Arrays.equals(a.get(i).getValue(), b.get(i).getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Map.Entry<Integer, byte[]> e : values.entrySet()) {
            h = 31 * h + e.getKey() * 17 + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=')
                .append(java.util.HexFormat.of().formatHex(v)));
        return sb.append('}').toString();
    }

    /** Builds options in insertion order; a repeated {@code put} replaces the value in place. */
    public static final class Builder {
        private final LinkedHashMap<Integer, byte[]> values = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(int code, byte[] value) {
            if (code <= OptionCode.PAD || code >= OptionCode.END) {
                throw new IllegalArgumentException("option code " + code + " out of range 1..254");
            }
            values.put(code, value.clone());
            return this;
        }

        public Builder remove(int code) {
            values.remove(code);
            return this;
        }

        public Builder putByte(int code, int value) {
            return put(code, new byte[] {(byte) value});
        }

        public Builder putUint16(int code, int value) {
            return put(code, new byte[] {(byte) (value >>> 8), (byte) value});
        }

        public Builder putUint32(int code, long value) {
            return put(code, new Ipv4Address((int) value).bytes());
        }

        public Builder putAddress(int code, Ipv4Address a) {
            return put(code, a.bytes());
        }

        public Builder putAddresses(int code, List<Ipv4Address> list) {
            byte[] v = new byte[list.size() * 4];
            for (int i = 0; i < list.size(); i++) {
                System.arraycopy(list.get(i).bytes(), 0, v, i * 4, 4);
            }
            return put(code, v);
        }

        public Builder putString(int code, String s) {
            return put(code, s.getBytes(StandardCharsets.ISO_8859_1));
        }

        public Builder messageType(MessageType t) {
            return putByte(OptionCode.MESSAGE_TYPE, t.code());
        }

        /** Option 77 in RFC 3004 form: each class length-prefixed. */
        public Builder userClassesRfc3004(List<String> classes) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (String c : classes) {
                byte[] b = c.getBytes(StandardCharsets.ISO_8859_1);
                if (b.length == 0 || b.length > 255) {
                    throw new IllegalArgumentException("user class length " + b.length + " out of range 1..255: " + c);
                }
                out.write(b.length);
                out.writeBytes(b);
            }
            return put(OptionCode.USER_CLASS, out.toByteArray());
        }

        public DhcpOptions build() {
            LinkedHashMap<Integer, byte[]> copy = new LinkedHashMap<>();
            values.forEach((k, v) -> copy.put(k, v.clone()));
            return new DhcpOptions(copy);
        }
    }
}
