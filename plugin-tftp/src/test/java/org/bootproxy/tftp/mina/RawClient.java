package org.bootproxy.tftp.mina;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.bootproxy.tftp.protocol.MalformedPacketException;
import org.bootproxy.tftp.protocol.TftpCodec;
import org.bootproxy.tftp.protocol.TftpPacket;

/** A bare UDP socket speaking TFTP by hand, for what real clients never do (strays, garbage). */
final class RawClient implements AutoCloseable {

    /** A received packet and the port it came from. */
    record Received(TftpPacket packet, int fromPort) {
    }

    private final DatagramSocket socket;
    private final InetAddress server;

    RawClient(InetAddress server) throws IOException {
        this(server, server);
    }

    /** A client on another local address (e.g. 127.0.0.2: another host, as the server sees it). */
    RawClient(InetAddress server, InetAddress local) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress(local, 0));
        socket.setSoTimeout(3000);
    }

    void send(int port, TftpPacket p) throws IOException {
        send(port, TftpCodec.encode(p));
    }

    void send(int port, byte[] raw) throws IOException {
        socket.send(new DatagramPacket(raw, raw.length, server, port));
    }

    Received receive() throws IOException {
        return receive(3000);
    }

    Received receive(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        byte[] b = new byte[70000];
        DatagramPacket dp = new DatagramPacket(b, b.length);
        socket.receive(dp);
        try {
            return new Received(TftpCodec.decode(ByteBuffer.wrap(b, 0, dp.getLength())), dp.getPort());
        } catch (MalformedPacketException e) {
            throw new AssertionError("server sent a malformed packet", e);
        }
    }

    /** True when nothing arrives within {@code ms}. */
    boolean silentFor(int ms) throws IOException {
        try {
            receive(ms);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
