package org.bootproxy.dhcp.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bootproxy.testing.NetNs;

/** {@code LiveServerMain} started in a namespace with the test's class path; its output is kept. */
final class LiveServer implements AutoCloseable {

    private final Process process;
    private final StringBuffer log = new StringBuffer();

    private LiveServer(Process process) {
        this.process = process;
    }

    static LiveServer start(NetNs ns, Path yaml, String... reservations) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.bootproxy.dhcp.server.LiveServerMain", yaml.toString()));
        cmd.addAll(List.of(reservations));
        Process p = ns.start(new ProcessBuilder(cmd).redirectErrorStream(true));
        LiveServer s = new LiveServer(p);
        CountDownLatch ready = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    s.log.append(line).append('\n');
                    if (line.startsWith("READY")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }, "live-server-log");
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready.await(100, TimeUnit.MILLISECONDS) && p.isAlive() && System.nanoTime() < deadline) {
            // wait for READY, or for the process to die
        }
        if (ready.getCount() > 0) {
            t.join(2000);
            p.destroyForcibly();
            throw new IllegalStateException("server did not start:\n" + s.log);
        }
        return s;
    }

    static Path writeConfig(Path dir, String yaml) throws IOException {
        Path f = Files.createTempFile(dir, "dhcp", ".yml");
        Files.writeString(f, yaml);
        return f;
    }

    String log() {
        return log.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
