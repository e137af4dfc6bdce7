package org.bootproxy.dhcp.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bootproxy.testing.FullApp;
import org.bootproxy.testing.NetNs;
import org.bootproxy.testing.TestYaml;

/**
 * The whole application (core + plugins of this build, from the test class path) as a process in
 * a test namespace, and curl beside it. Not thread-safe; {@link #restart} and {@link #kill9AndRestart}
 * replace the process, {@link #close()} stops the current one.
 */
final class LiveApp implements AutoCloseable {

    /** The usual tail: no admin connector, no request log, INFO into the process output (the log). */
    static final String SERVER_TAIL = TestYaml.processServer("[]");

    final NetNs ns;
    final int port;
    private final Path yaml;
    private Path log;
    private Process process;

    private LiveApp(NetNs ns, int port, Path yaml) {
        this.ns = ns;
        this.port = port;
        this.yaml = yaml;
    }

    /**
     * A whole configuration: the dhcp plugin with its store in {@code state} and {@code settings}
     * (YAML lines at the plugin's level), HTTP on 127.0.0.1:{@code port}, then {@code serverTail}.
     */
    static String yaml(int port, Path state, String settings, String serverTail) {
        return TestYaml.plugin(port, "dhcp", "state_dir: " + state + "\n" + settings, serverTail);
    }

    /**
     * Starts the application in {@code net}'s server namespace on {@link #yaml} with the store in
     * {@code net.dir/state}, written to {@code net.dir/bootproxy.yml}, its output in
     * {@code net.dir/app.log}; waits until it answers.
     */
    static LiveApp start(ServerClientPair net, int port, String settings, String serverTail) throws Exception {
        Path yaml = net.dir.resolve("bootproxy.yml");
        Files.writeString(yaml, yaml(port, net.dir.resolve("state"), settings, serverTail));
        return start(net.srv, port, yaml, net.dir.resolve("app.log"));
    }

    /** Starts the application on {@code yaml} and waits until it answers. */
    static LiveApp start(NetNs ns, int port, Path yaml, Path log) throws Exception {
        LiveApp app = new LiveApp(ns, port, yaml);
        app.launch(log);
        return app;
    }

    /**
     * {@code kill -9} (no shutdown hook, nothing closed), then the application again on the same
     * configuration, its output in {@code newLog}; waits until it answers.
     */
    void kill9AndRestart(Path newLog) throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        launch(newLog);
    }

    /** Stops the application as {@link #close()} does, then starts it again, its output in {@code newLog}. */
    void restart(Path newLog) throws Exception {
        close();
        launch(newLog);
    }

    private void launch(Path newLog) throws Exception {
        log = newLog;
        process = ns.start(new ProcessBuilder(FullApp.processCommand(yaml,
                "-Dbootproxy.modules=" + yaml.getParent().resolve("no-modules")))
                .redirectErrorStream(true).redirectOutput(log.toFile()));
        for (int i = 0; i < 300; i++) {
            if (curl("/features").endsWith("200")) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        close();
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

    /** The output of the current process so far. */
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
