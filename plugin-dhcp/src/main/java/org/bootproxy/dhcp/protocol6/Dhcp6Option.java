package org.bootproxy.dhcp.protocol6;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One DHCPv6 option as it is on the wire: a 16-bit code and its data (RFC 8415 section 21.1).
 * Encapsulated options (IA_NA's IAADDR, a relay's RELAY_MSG) are decoded on demand by
 * {@link Dhcp6Options#parse}.
 *
 * @param code the option code (see the constants)
 * @param data the option's data, at most 65535 bytes; copied, never shared
 */
public record Dhcp6Option(int code, byte[] data) {

    public static final int CLIENTID = 1;
    public static final int SERVERID = 2;
    public static final int IA_NA = 3;
    public static final int IA_TA = 4;
    public static final int IAADDR = 5;
    public static final int ORO = 6;
    public static final int PREFERENCE = 7;
    public static final int ELAPSED_TIME = 8;
    public static final int RELAY_MSG = 9;
    public static final int STATUS_CODE = 13;
    public static final int RAPID_COMMIT = 14;
    public static final int USER_CLASS = 15;
    public static final int VENDOR_CLASS = 16;
    public static final int INTERFACE_ID = 18;
    public static final int DNS_SERVERS = 23;
    public static final int IA_PD = 25;
    /** RFC 5970: the boot file URL. */
    public static final int BOOTFILE_URL = 59;
    /** RFC 5970: the client's architecture types (IANA, as DHCPv4 option 93). */
    public static final int CLIENT_ARCH_TYPE = 61;
    /** RFC 6939: the client's link-layer address, added by a relay. */
    public static final int CLIENT_LINKLAYER_ADDR = 79;

    public Dhcp6Option {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("option code " + code + " out of range 0..65535");
        }
        if (data.length > 0xffff) {
            throw new IllegalArgumentException("option " + code + ": " + data.length + " bytes, at most 65535");
        }
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The data's length without copying it. */
    public int length() {
        return data.length;
    }

    byte[] raw() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dhcp6Option other && other.code == code && Arrays.equals(other.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "option " + code + " (" + HexFormat.ofDelimiter(":").formatHex(data) + ")";
    }
}
