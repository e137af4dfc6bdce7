package org.bootproxy.tftp.mina;

import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionRecycler;

/**
 * Finds the MINA session of a (peer address, local port) pair: a TFTP transfer ID pair. Unlike
 * MINA's default {@code ExpiringSessionRecycler} it builds no string per datagram and needs no
 * expiry thread, because the server lets go of every session it creates (after answering a
 * request or an unknown TID), removing it here at once.
 */
final class TidSessionRecycler implements IoSessionRecycler {

    private record Key(SocketAddress remote, int localPort) {
    }

    private final ConcurrentHashMap<Key, IoSession> sessions = new ConcurrentHashMap<>();

    @Override
    public void put(IoSession session) {
        sessions.put(key(session), session);
    }

    @Override
    public IoSession recycle(SocketAddress remoteAddress, int localPort) {
        return sessions.get(new Key(remoteAddress, localPort));
    }

    @Override
    public void remove(IoSession session) {
        sessions.remove(key(session), session);
    }

    /** Whether {@code s} is the session its peer's next datagram will be handed to. */
    boolean isCurrent(IoSession s) {
        return sessions.get(key(s)) == s;
    }

    int size() {
        return sessions.size();
    }

    private static Key key(IoSession s) {
        return new Key(s.getRemoteAddress(), ((java.net.InetSocketAddress) s.getLocalAddress()).getPort());
    }
}
