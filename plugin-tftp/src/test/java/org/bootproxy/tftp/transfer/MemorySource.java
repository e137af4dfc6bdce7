package org.bootproxy.tftp.transfer;

import java.nio.ByteBuffer;

/** A block source over a byte array that records the highest block asked for. */
final class MemorySource implements BlockSource {

    private final byte[] data;
    private final int blksize;
    boolean closed;

    MemorySource(byte[] data, int blksize) {
        this.data = data;
        this.blksize = blksize;
    }

    @Override
    public int read(long block, ByteBuffer dst) {
        long from = (block - 1) * blksize;
        int n = (int) Math.max(0, Math.min(blksize, data.length - from));
        dst.put(data, (int) Math.min(from, data.length), n);
        return n;
    }

    @Override
    public void close() {
        closed = true;
    }
}
