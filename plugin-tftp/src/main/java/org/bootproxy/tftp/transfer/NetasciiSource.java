package org.bootproxy.tftp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Netascii mode (RFC 1350, RFC 764): the file is converted on the fly, LF to CR LF and CR to
 * CR NUL, so block boundaries no longer follow file offsets. Blocks are produced in order and the
 * unacknowledged ones (at most one window) are kept for retransmission.
 */
public final class NetasciiSource implements BlockSource {

    private final FileChannel channel;
    private final int blksize;
    private final ByteBuffer in = ByteBuffer.allocate(16384);
    private final ArrayDeque<byte[]> cache = new ArrayDeque<>();
    private long firstCached = 1;
    private long filePosition;
    private int pending = -1;
    private boolean eof;

    public NetasciiSource(FileChannel channel, int blksize) {
        this.channel = channel;
        this.blksize = blksize;
        in.limit(0);
    }

    /** The converted length of a file: every CR and LF becomes two bytes. */
    public static long convertedSize(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        long pos = 0;
        long extra = 0;
        int n;
        while ((n = channel.read(b, pos)) > 0) {
            pos += n;
            byte[] a = b.array();
            for (int i = 0; i < n; i++) {
                if (a[i] == '\n' || a[i] == '\r') {
                    extra++;
                }
            }
            b.clear();
        }
        return pos + extra;
    }

    @Override
    public int read(long block, ByteBuffer dst) throws IOException {
        if (block < firstCached) {
            throw new IllegalStateException("block " + block + " was acknowledged already");
        }
        while (firstCached + cache.size() <= block) {
            cache.addLast(produce());
        }
        byte[] b = blockAt(block);
        dst.put(b);
        return b.length;
    }

    private byte[] blockAt(long block) {
        long i = firstCached;
        for (byte[] b : cache) {
            if (i++ == block) {
                return b;
            }
        }
        throw new AssertionError("block " + block + " not cached");
    }

    private byte[] produce() throws IOException {
        byte[] out = new byte[blksize];
        int n = 0;
        while (n < blksize) {
            if (pending >= 0) {
                out[n++] = (byte) pending;
                pending = -1;
                continue;
            }
            if (!in.hasRemaining()) {
                if (eof || !fill()) {
                    break;
                }
            }
            byte c = in.get();
            if (c == '\n') {
                out[n++] = '\r';
                pending = '\n';
            } else if (c == '\r') {
                out[n++] = '\r';
                pending = 0;
            } else {
                out[n++] = c;
            }
        }
        return n == blksize ? out : Arrays.copyOf(out, n);
    }

    private boolean fill() throws IOException {
        in.clear();
        int r = channel.read(in, filePosition);
        if (r <= 0) {
            eof = true;
            in.limit(0);
            return false;
        }
        filePosition += r;
        in.flip();
        return true;
    }

    @Override
    public void acknowledged(long block) {
        while (firstCached <= block && !cache.isEmpty()) {
            cache.removeFirst();
            firstCached++;
        }
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
