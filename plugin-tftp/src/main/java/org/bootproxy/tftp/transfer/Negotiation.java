package org.bootproxy.tftp.transfer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import org.bootproxy.tftp.protocol.Options;
import org.bootproxy.tftp.protocol.TftpCodec;

/**
 * Option negotiation for a read request (RFC 2347): what the server grants for each option the
 * client asked for. Options the server does not know, or whose value is unusable, are left out of
 * the OACK, which RFC 2347 section "Negotiation Protocol" allows ("the server may ignore" them);
 * the transfer then proceeds with the default for that option.
 *
 * <ul>
 *   <li>{@code blksize} (RFC 2348): 8..65464; a larger request is granted the largest the server
 *       allows ({@code max_blksize}); below 8 or not a number: ignored.</li>
 *   <li>{@code tsize} (RFC 2349): answered with the transfer size when it is known.</li>
 *   <li>{@code timeout} (RFC 2349): 1..255 seconds, echoed; otherwise ignored.</li>
 *   <li>{@code windowsize} (RFC 7440): 1..65535, granted up to {@code max_windowsize}.</li>
 * </ul>
 */
public final class Negotiation {

    private Negotiation() {
    }

    /**
     * @param requested the RRQ's options
     * @param settings the server's limits
     * @param transferSize the number of bytes the transfer will carry, if known (for tsize)
     */
    public static NegotiatedOptions negotiate(Options requested, TransferSettings settings, OptionalLong transferSize) {
        int blksize = TftpCodec.DEFAULT_BLKSIZE;
        int windowsize = 1;
        long timeoutNanos = settings.timeout().toNanos();
        List<Options.Option> granted = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Options.Option o : requested.list()) {
            String name = o.name().toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                continue; // the first occurrence counts
            }
            switch (name) {
                case "blksize" -> {
                    long v = number(o.value());
                    if (v >= TftpCodec.MIN_BLKSIZE) {
                        blksize = (int) Math.min(Math.min(v, TftpCodec.MAX_BLKSIZE), settings.maxBlksize());
                        granted.add(new Options.Option(o.name(), Integer.toString(blksize)));
                    }
                }
                case "tsize" -> {
                    if (transferSize.isPresent()) {
                        granted.add(new Options.Option(o.name(), Long.toString(transferSize.getAsLong())));
                    }
                }
                case "timeout" -> {
                    long v = number(o.value());
                    if (v >= 1 && v <= 255) {
                        timeoutNanos = v * 1_000_000_000L;
                        granted.add(new Options.Option(o.name(), Long.toString(v)));
                    }
                }
                case "windowsize" -> {
                    long v = number(o.value());
                    if (v >= 1 && v <= 65535) {
                        windowsize = (int) Math.min(v, settings.maxWindowsize());
                        granted.add(new Options.Option(o.name(), Integer.toString(windowsize)));
                    }
                }
                default -> {
                    // unknown option: ignored (RFC 2347)
                }
            }
        }
        return new NegotiatedOptions(blksize, windowsize, timeoutNanos,
                granted.isEmpty() ? Options.NONE : new Options(granted));
    }

    /** A decimal number of at most 9 digits, or -1. */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
