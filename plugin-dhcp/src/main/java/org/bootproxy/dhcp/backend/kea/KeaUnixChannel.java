package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;
import org.bootproxy.dhcp.backend.BackendUnavailableException;

/**
 * kea-dhcp4's own {@code control-socket} (a unix stream socket): one connection per command; Kea
 * answers with one JSON object and closes the connection. Non-blocking I/O with a selector, so
 * connecting, writing and reading are bounded by {@link KeaChannel#TIMEOUT} (a blocking unix
 * socket has no read timeout in the JDK).
 */
final class KeaUnixChannel implements KeaChannel {

    private final Path socket;

    KeaUnixChannel(Path socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
    }

    @Override
    public String describe() {
        return "control socket " + socket;
    }

    @Override
    public KeaResponse send(String command, ObjectNode arguments) throws BackendUnavailableException {
        byte[] request;
        try {
            request = JSON.writeValueAsBytes(KeaChannel.command(command, arguments));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a Kea command", e);
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            // a unix connect completes at once or fails (no listener: "Connection refused")
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            ByteBuffer out = ByteBuffer.wrap(request);
            SelectionKey key = ch.register(selector, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                await(selector, deadline, command);
                ch.write(out);
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (true) {
                await(selector, deadline, command);
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    in.write(buf.array(), 0, buf.position());
                    boolean mayBeComplete = buf.get(buf.position() - 1) == '}';
                    buf.clear();
                    // Kea closes after its answer; parsing early saves waiting for that close
                    if (mayBeComplete) {
                        JsonNode answer = tryParse(in.toByteArray());
                        if (answer != null) {
                            return KeaChannel.response(answer, command, describe());
                        }
                    }
                }
            }
            JsonNode answer = tryParse(in.toByteArray());
            if (answer == null) {
                throw new BackendUnavailableException("Kea at " + describe() + " closed the connection without a"
                        + " complete answer to '" + command + "' (" + in.size() + " bytes)", null);
            }
            return KeaChannel.response(answer, command, describe());
        } catch (IOException e) {
            throw new BackendUnavailableException("Kea is not reachable at " + describe() + " ('" + command + "'): "
                    + e.getMessage(), e);
        }
    }

    private void await(Selector selector, long deadline, String command) throws IOException,
            BackendUnavailableException {
        long left = deadline - System.nanoTime();
        if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0 && deadline - System.nanoTime() <= 0) {
            throw new BackendUnavailableException("Kea at " + describe() + " did not answer '" + command + "' within "
                    + TIMEOUT.toSeconds() + " s", null);
        }
        selector.selectedKeys().clear();
    }

    private static JsonNode tryParse(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return null; // incomplete so far
        }
    }
}
