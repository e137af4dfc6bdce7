package org.bootproxy.dhcp.backend.isc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One OMAPI message (ISC omapip, protocol version 100): a 24-byte header, the message's own
 * name/value pairs, the object's name/value pairs, then the signature. Values are opaque bytes;
 * integers are 4 bytes big-endian, strings their bytes.
 *
 * @param op one of the {@code OP_*} codes
 * @param handle the object handle the message is about (0: none)
 * @param id the transaction id the sender chose
 * @param rid the id of the message this one answers (0: not an answer)
 * @param message the message's values ({@code type}, {@code create}, {@code result} ...)
 * @param object the object's values ({@code name}, {@code hardware-address} ...)
 */
record OmapiMessage(int op, int handle, int id, int rid, Map<String, byte[]> message, Map<String, byte[]> object) {

    static final int OP_OPEN = 1;
    static final int OP_REFRESH = 2;
    static final int OP_UPDATE = 3;
    static final int OP_NOTIFY = 4;
    static final int OP_STATUS = 5;
    static final int OP_DELETE = 6;

    OmapiMessage {
        message = Collections.unmodifiableMap(new LinkedHashMap<>(message));
        object = Collections.unmodifiableMap(new LinkedHashMap<>(object));
    }

    static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    static byte[] string(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The message value {@code name} as a 4-byte integer, or {@code dflt}. */
    int messageInt(String name, int dflt) {
        byte[] b = message.get(name);
        return b == null || b.length != 4 ? dflt : ByteBuffer.wrap(b).getInt();
    }

    String messageString(String name) {
        byte[] b = message.get(name);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    String objectString(String name) {
        byte[] b = object.get(name);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static String opName(int op) {
        return switch (op) {
            case OP_OPEN -> "OPEN";
            case OP_REFRESH -> "REFRESH";
            case OP_UPDATE -> "UPDATE";
            case OP_NOTIFY -> "NOTIFY";
            case OP_STATUS -> "STATUS";
            case OP_DELETE -> "DELETE";
            default -> "op" + op;
        };
    }
}
