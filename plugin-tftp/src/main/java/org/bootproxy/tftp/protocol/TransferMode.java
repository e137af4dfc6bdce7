package org.bootproxy.tftp.protocol;

import java.util.Locale;
import java.util.Optional;

/** Transfer modes (RFC 1350): {@code mail} is obsolete and not supported. */
public enum TransferMode {
    OCTET("octet"), NETASCII("netascii");

    private final String wire;

    TransferMode(String wire) {
        this.wire = wire;
    }

    /** The mode as written on the wire. */
    public String wire() {
        return wire;
    }

    /** Parses a mode case-insensitively, as RFC 1350 requires. */
    public static Optional<TransferMode> parse(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        for (TransferMode m : values()) {
            if (m.wire.equals(l)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
