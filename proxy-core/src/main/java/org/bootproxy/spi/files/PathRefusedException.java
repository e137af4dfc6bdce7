package org.bootproxy.spi.files;

/**
 * A request path that {@link ServedRoot} will not serve, with the reason. Each server maps the
 * reason to its own answer (HTTP 403/404, TFTP ERROR 1/2). Messages name the path as the client
 * sent it, never the absolute file-system path.
 */
public final class PathRefusedException extends Exception {

    /** Why a path is refused. */
    public enum Reason {
        /** Empty, {@code .}/{@code ..} segment, backslash, control character, drive letter... */
        INVALID,
        /** A symbolic link on the way, at any depth, dangling or not. */
        SYMLINK,
        /** Nothing there (or a non-directory in the middle of the path). */
        NOT_FOUND,
        /** A directory: never listed. */
        DIRECTORY,
        /** A FIFO, socket or device: never opened. */
        NOT_REGULAR
    }

    private final Reason reason;
    private final String requestPath;

    public PathRefusedException(Reason reason, String requestPath, String detail) {
        super(detail + ": " + printable(requestPath));
        this.reason = reason;
        this.requestPath = requestPath;
    }

    public Reason reason() {
        return reason;
    }

    /** The path as the client sent it. */
    public String requestPath() {
        return requestPath;
    }

    /** The path with control characters escaped, safe for a log line or an error message. */
    public static String printable(String path) {
        return path == null ? "<none>" : org.bootproxy.spi.log.LogSafe.escape(path);
    }
}
