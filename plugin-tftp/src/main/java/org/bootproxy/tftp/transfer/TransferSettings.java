package org.bootproxy.tftp.transfer;

import java.time.Duration;
import org.bootproxy.tftp.protocol.TftpCodec;

/**
 * The server's limits for every transfer.
 *
 * @param maxBlksize largest blksize granted (RFC 2348), 8..65464
 * @param maxWindowsize largest windowsize granted (RFC 7440), 1..64
 * @param timeout retransmission timeout when the client asks none (RFC 2349 overrides it)
 * @param retries retransmissions of one block/window without progress before the transfer is
 *     abandoned, 0..100
 */
public record TransferSettings(int maxBlksize, int maxWindowsize, Duration timeout, int retries) {

    /** Largest windowsize the server ever grants, whatever the configuration says. */
    public static final int WINDOWSIZE_LIMIT = 64;

    public TransferSettings {
        if (maxBlksize < TftpCodec.MIN_BLKSIZE || maxBlksize > TftpCodec.MAX_BLKSIZE) {
            throw new IllegalArgumentException("max_blksize=" + maxBlksize + " out of range 8..65464");
        }
        if (maxWindowsize < 1 || maxWindowsize > WINDOWSIZE_LIMIT) {
            throw new IllegalArgumentException("max_windowsize=" + maxWindowsize + " out of range 1..64");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(255)) > 0) {
            throw new IllegalArgumentException("timeout=" + timeout + " out of range (0s, 255s]");
        }
        if (retries < 0 || retries > 100) {
            throw new IllegalArgumentException("retries=" + retries + " out of range 0..100");
        }
    }
}
