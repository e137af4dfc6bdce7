package org.bootproxy.dhcp.backend.kea;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bootproxy.dhcp.backend.BackendUnavailableException;

/**
 * A Kea control channel answering from a script, recording every command: in-process as a
 * {@link KeaChannel}, or on a unix socket as kea-dhcp4's {@code control-socket} is (one JSON
 * command per connection, one JSON answer, then Kea closes), so that the real
 * {@link KeaUnixChannel} talks to it. A script answering null makes the socket close the
 * connection without an answer. Thread-safe.
 */
final class ScriptedKea implements KeaChannel, AutoCloseable {

    /** Kea's answer to one command; null: hang up without answering (socket only). */
    @FunctionalInterface
    interface Script {
        KeaResponse answer(String command, JsonNode arguments);
    }

    /** The command names, in the order sent. */
    final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    /** The whole commands ({@code {"command": ..., "arguments": ...}}), as Kea would parse them. */
    final List<JsonNode> commands = Collections.synchronizedList(new ArrayList<>());
    volatile Script script;

    private ServerSocketChannel server;
    private Thread acceptor;
    private Path socket;

    @Override
    public KeaResponse send(String command, ObjectNode arguments) throws BackendUnavailableException {
        KeaResponse r = answer(KeaChannel.command(command, arguments));
        if (r == null) {
            throw new BackendUnavailableException("scripted Kea hung up on '" + command + "'", null);
        }
        return r;
    }

    private KeaResponse answer(JsonNode command) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(JSON.writeValueAsBytes(command)); // numbers as a parser sees them
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = parsed.path("command").asText();
        sent.add(name);
        commands.add(parsed);
        return script.answer(name, parsed.get("arguments"));
    }

    @Override
    public String describe() {
        return socket == null ? "scripted" : "control socket " + socket;
    }

    /** Serves the script on a unix socket at {@code path} until {@link #close()}. */
    ScriptedKea listen(Path path) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        socket = path;
        acceptor = new Thread(this::serve, "scripted-kea " + path.getFileName());
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                JsonNode command = readCommand(c);
                KeaResponse r = command == null ? null : answer(command);
                if (r == null) {
                    continue; // closes the connection without an answer
                }
                ObjectNode a = JSON.createObjectNode();
                a.put("result", r.result());
                a.put("text", r.text());
                if (r.arguments() != null) {
                    a.set("arguments", r.arguments());
                }
                ByteBuffer out = ByteBuffer.wrap(JSON.writeValueAsBytes(a));
                while (out.hasRemaining()) {
                    c.write(out);
                }
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    /** Reads until the bytes are one whole JSON object (the client does not close its side); null at EOF. */
    private static JsonNode readCommand(SocketChannel c) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (c.read(buf) >= 0) {
            in.write(buf.array(), 0, buf.position());
            buf.clear();
            try {
                return JSON.readTree(in.toByteArray());
            } catch (IOException incomplete) {
                // read on
            }
        }
        return null;
    }

    /** Stops listening: from now on a connect fails as with Kea down. */
    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close();
            acceptor.join(10_000);
            Files.deleteIfExists(socket);
        }
    }
}
