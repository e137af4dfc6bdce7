package org.bootproxy.spi;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks that {@link ProxyPlugin#check} implementations share. Each returns the problem as one
 * line naming the key and the value, or empty. They test as the user running
 * {@code bootproxy check}: run it as the service user ({@code runuser -u bootproxy -- bootproxy
 * check ...}) to learn what that user may do. Stateless.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * A directory the service reads (and, with {@code writable}, writes): it exists, is a
     * directory, is not itself a symbolic link (served roots are reached without following
     * links), and is readable (and writable) by this user.
     */
    public static Optional<String> directory(String key, Path dir, boolean writable) {
        if (dir == null) {
            return Optional.of(key + " is not set");
        }
        if (Files.isSymbolicLink(dir)) {
            return Optional.of(key + " " + dir + " is a symbolic link (name the real directory)");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(key + " " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(key + " " + dir + " is not a directory");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            return Optional.of(key + " " + dir + " is not readable by user " + System.getProperty("user.name"));
        }
        if (writable && !Files.isWritable(dir)) {
            return Optional.of(key + " " + dir + " is not writable by user " + System.getProperty("user.name"));
        }
        return Optional.empty();
    }

    /**
     * A directory the service creates when missing (a state directory): it is checked as
     * {@link #directory} when it exists, else its nearest existing ancestor must be writable.
     */
    public static Optional<String> creatableDirectory(String key, Path dir, boolean writable) {
        if (dir == null || Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(dir)) {
            return directory(key, dir, writable);
        }
        Path p = dir.toAbsolutePath().getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isWritable(p)) {
            return Optional.of(key + " " + dir + " does not exist and cannot be created by user "
                    + System.getProperty("user.name") + (p == null ? "" : " (" + p + " is not writable)"));
        }
        return Optional.empty();
    }

    /** A TCP port that must be free on {@code host} (null or {@code *}: every address); port 0 always is. */
    public static Optional<String> tcpPortFree(String key, String host, int port) {
        if (port == 0) {
            return Optional.empty();
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(address(host, port));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(key + " " + port + " cannot be bound on " + (host == null ? "*" : host) + ": "
                    + reason(e));
        }
    }

    /** A UDP port that must be free on {@code host} (null or {@code *}: every address); port 0 always is. */
    public static Optional<String> udpPortFree(String key, String host, int port) {
        if (port == 0) {
            return Optional.empty();
        }
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.bind(address(host, port));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(key + " " + (host == null ? "*" : host) + ":" + port + " cannot be bound: "
                    + reason(e));
        }
    }

    /** A file the service reads: it exists, is a regular file and is readable by this user. */
    public static Optional<String> readableFile(String key, Path file) {
        if (file == null) {
            return Optional.of(key + " is not set");
        }
        if (!Files.exists(file)) {
            return Optional.of(key + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of(key + " " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            return Optional.of(key + " " + file + " is not readable by user " + System.getProperty("user.name"));
        }
        return Optional.empty();
    }

    /**
     * A TCP server the service talks to (an external DHCP server's control port): a connect
     * within {@code timeout}; nothing is sent.
     */
    public static Optional<String> tcpReachable(String key, String host, int port, java.time.Duration timeout) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), (int) timeout.toMillis());
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(key + " " + host + ":" + port + " cannot be reached: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    /** A unix-domain socket the service talks to (a control socket): a connect; nothing is sent. */
    public static Optional<String> unixSocketReachable(String key, Path socket) {
        if (socket == null) {
            return Optional.of(key + " is not set");
        }
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(key + " " + socket + " cannot be reached: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    private static InetSocketAddress address(String host, int port) throws IOException {
        return host == null || "*".equals(host) ? new InetSocketAddress(port)
                : new InetSocketAddress(InetAddress.getByName(host), port);
    }

    private static String reason(IOException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof SocketException && m.contains("Permission denied")) {
            return m + " (ports below 1024 need CAP_NET_BIND_SERVICE)";
        }
        if (m.contains("in use")) {
            return "address already in use";
        }
        return m;
    }
}
