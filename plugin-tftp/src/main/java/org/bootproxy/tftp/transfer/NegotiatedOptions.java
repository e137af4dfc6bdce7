package org.bootproxy.tftp.transfer;

import org.bootproxy.tftp.protocol.Options;
import org.bootproxy.tftp.protocol.TftpCodec;

/**
 * What a transfer runs with after negotiation.
 *
 * @param blksize payload bytes per DATA packet
 * @param windowsize DATA packets sent before waiting for an ACK (1 = lockstep)
 * @param timeoutNanos retransmission timeout
 * @param oack the options to acknowledge; empty means no OACK (the transfer starts with DATA 1)
 */
public record NegotiatedOptions(int blksize, int windowsize, long timeoutNanos, Options oack) {
    public NegotiatedOptions {
        if (blksize < TftpCodec.MIN_BLKSIZE || blksize > TftpCodec.MAX_BLKSIZE) {
            throw new IllegalArgumentException("blksize=" + blksize + " out of range 8..65464");
        }
        if (windowsize < 1 || windowsize > 65535) {
            throw new IllegalArgumentException("windowsize=" + windowsize + " out of range 1..65535");
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeoutNanos + " ns");
        }
        java.util.Objects.requireNonNull(oack, "oack");
    }
}
