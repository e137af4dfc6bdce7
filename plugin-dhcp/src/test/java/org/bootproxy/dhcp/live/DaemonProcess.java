package org.bootproxy.dhcp.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bootproxy.testing.NetNs;

/**
 * A daemon a live test runs in the foreground in a namespace and restarts at will: each start logs
 * to {@code <name>-<n>.log} in the daemon's directory; {@link #log()} is all of them, headed by
 * the process state ({@code (running)}, {@code (exited <code>)}, {@code (stopped)}).
 */
final class DaemonProcess {

    private final NetNs ns;
    private final Path dir;
    private final String name;
    private Process process;
    private int starts;

    DaemonProcess(NetNs ns, Path dir, String name) {
        this.ns = ns;
        this.dir = dir;
        this.name = name;
    }

    /** Starts {@code pb} (its output goes to the next log file) in the namespace. */
    Process start(ProcessBuilder pb) throws IOException {
        starts++;
        process = ns.start(pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + "-" + starts + ".log")
                .toFile()));
        return process;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then SIGKILL after 20 s; waits for the process. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    String log() throws IOException {
        StringBuilder b = new StringBuilder(process == null ? "(stopped)\n" : process.isAlive() ? "(running)\n"
                : "(exited " + process.exitValue() + ")\n");
        for (int i = 1; i <= starts; i++) {
            Path l = dir.resolve(name + "-" + i + ".log");
            if (Files.exists(l)) {
                b.append(Files.readString(l));
            }
        }
        return b.toString();
    }
}
