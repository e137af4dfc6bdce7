package org.bootproxy.tftp.transfer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bootproxy.tftp.protocol.MalformedPacketException;
import org.bootproxy.tftp.protocol.TftpCodec;
import org.bootproxy.tftp.protocol.TftpPacket;

/** Records what a transfer sends, decoded. */
final class RecordingSink implements PacketSink {

    final List<TftpPacket> sent = new ArrayList<>();

    @Override
    public ByteBuffer buffer(int capacity) {
        return ByteBuffer.allocate(capacity);
    }

    @Override
    public void send(ByteBuffer packet) {
        try {
            sent.add(TftpCodec.decode(packet));
        } catch (MalformedPacketException e) {
            throw new AssertionError("the transfer sent a malformed packet", e);
        }
    }

    /** The packets sent so far, then forgets them. */
    List<TftpPacket> drain() {
        List<TftpPacket> l = new ArrayList<>(sent);
        sent.clear();
        return l;
    }

    /** Block numbers of DATA packets in {@code packets}. */
    static List<Integer> blocks(List<TftpPacket> packets) {
        List<Integer> l = new ArrayList<>();
        for (TftpPacket p : packets) {
            if (p instanceof TftpPacket.Data d) {
                l.add(d.block());
            }
        }
        return l;
    }
}
