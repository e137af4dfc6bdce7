package org.bootproxy.tftp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Octet mode: block {@code n} is bytes {@code [(n-1)*blksize, n*blksize)} of the file, read with
 * positional reads (no shared file position, no copy through a stream buffer), so a
 * retransmission simply reads again from the page cache.
 */
public final class OctetSource implements BlockSource {

    private final FileChannel channel;
    private final int blksize;

    public OctetSource(FileChannel channel, int blksize) {
        this.channel = channel;
        this.blksize = blksize;
    }

    @Override
    public int read(long block, ByteBuffer dst) throws IOException {
        long position = (block - 1) * blksize;
        int start = dst.position();
        int oldLimit = dst.limit();
        dst.limit(start + blksize);
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
