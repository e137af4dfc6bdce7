package org.bootproxy.tftp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Octet mode: block {@code n} is bytes {@code [(n-1)*blksize, n*blksize)} of the file.
 *
 * <p>Reads are positional (no shared file position, safe for retransmissions). Small blocks are
 * served from a per-transfer read-ahead buffer filled by one positional read of
 * {@value #READ_AHEAD} bytes, so a lockstep transfer at blksize 512 makes one read system call
 * per 64 blocks instead of one per block; blocks larger than a quarter of it are read directly.
 * A block outside the buffer (a retransmission after the buffer moved on) is simply read again.
 */
public final class OctetSource implements BlockSource {

    /** Bytes read ahead per system call for small blocks. */
    static final int READ_AHEAD = 32768;

    private final FileChannel channel;
    private final int blksize;
    private final ByteBuffer ahead;
    private long aheadStart = -1;
    private int aheadLen;
    private boolean aheadToEof;

    public OctetSource(FileChannel channel, int blksize) {
        this.channel = channel;
        this.blksize = blksize;
        this.ahead = blksize <= READ_AHEAD / 4 ? ByteBuffer.allocateDirect(READ_AHEAD) : null;
    }

    @Override
    public int read(long block, ByteBuffer dst) throws IOException {
        long position = (block - 1) * blksize;
        if (ahead == null) {
            return readFully(dst, position, blksize);
        }
        boolean buffered = aheadStart >= 0 && position >= aheadStart
                && (position + blksize <= aheadStart + aheadLen || aheadToEof);
        if (!buffered) {
            ahead.clear();
            aheadLen = readFully(ahead, position, ahead.capacity());
            aheadStart = position;
            aheadToEof = aheadLen < ahead.capacity();
        }
        int n = (int) Math.max(0, Math.min(blksize, aheadStart + aheadLen - position));
        int from = (int) (position - aheadStart);
        dst.put(dst.position(), ahead, from, n);
        dst.position(dst.position() + n);
        return n;
    }

    /** Reads up to {@code max} bytes at {@code position} into {@code dst}; fewer only at end of file. */
    private int readFully(ByteBuffer dst, long position, int max) throws IOException {
        int start = dst.position();
        int oldLimit = dst.limit();
        dst.limit(start + max);
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position + (dst.position() - start));
                if (n < 0) {
                    break;
                }
            }
        } finally {
            dst.limit(oldLimit);
        }
        return dst.position() - start;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only file: nothing is lost
        }
    }
}
