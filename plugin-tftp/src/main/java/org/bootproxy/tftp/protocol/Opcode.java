package org.bootproxy.tftp.protocol;

/** TFTP opcodes (RFC 1350 section 5, OACK from RFC 2347). */
public enum Opcode {
    RRQ(1), WRQ(2), DATA(3), ACK(4), ERROR(5), OACK(6);

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
