package org.bootproxy.dhcp.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bootproxy.testing.NetNs;

/**
 * The whole application (core + plugins of this build, from the test class path) as a process in
 * a test namespace, and curl beside it.
 */
final class LiveApp implements AutoCloseable {

    final NetNs ns;
    final int port;
    final Path log;
    private final Process process;

    private LiveApp(NetNs ns, int port, Path log, Process process) {
        this.ns = ns;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts the application on {@code yaml} and waits until it answers. */
    static LiveApp start(NetNs ns, int port, Path yaml, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dbootproxy.modules=" + yaml.getParent().resolve("no-modules"),
                "-cp", System.getProperty("java.class.path"), "org.bootproxy.core.BootproxyApplication", "server",
                yaml.toString()));
        Process p = ns.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()));
        LiveApp app = new LiveApp(ns, port, log, p);
        for (int i = 0; i < 300; i++) {
            if (app.curl("/features").endsWith("200")) {
                return app;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        app.close();
        throw new AssertionError("bootproxy did not start:\n" + Files.readString(log));
    }

    /** curl of {@code path} on the application port: the body, a newline, the status code. */
    String curl(String path, String... args) {
        return curlUrl("http://127.0.0.1:" + port + path, args);
    }

    String curlUrl(String url, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-m", "30", "-w", "\n%{http_code}", "-H",
                "Accept: application/json"));
        cmd.addAll(List.of(args));
        cmd.add(url);
        return ns.run(60, cmd.toArray(String[]::new)).output();
    }

    String post(String path, String form) {
        return curl(path, "-X", "POST", "--data", form);
    }

    String delete(String path) {
        return curl(path, "-X", "DELETE");
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
