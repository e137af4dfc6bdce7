package org.bootproxy.tftp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The payload of a transfer, block by block. Block numbers here are absolute (1, 2, ...; they do
 * not wrap at 65536). Not thread-safe: a transfer calls it under its own lock.
 */
public interface BlockSource extends AutoCloseable {

    /**
     * Writes block {@code block}'s payload at {@code dst}'s position (advancing it) and returns
     * its length; a length below the block size marks the final block. Blocks are asked for in
     * increasing order, except that blocks not yet {@link #acknowledged acknowledged} may be asked
     * for again (retransmission).
     */
    int read(long block, ByteBuffer dst) throws IOException;

    /** Blocks up to and including {@code block} are acknowledged and will not be asked for again. */
    default void acknowledged(long block) {
    }

    /** Releases the file. Never throws. */
    @Override
    void close();
}
