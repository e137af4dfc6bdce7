package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemctl reload} right after {@code systemctl start} (a unit of {@code Type=exec} takes
 * a reload as soon as the JVM is exec'd): SIGHUPs that arrive while {@code bootproxy server} is
 * still starting must not end it (the JVM's own SIGHUP handler exits with 129, which systemd
 * counts as a failure). Runs the real {@code main} in a child JVM and signals it with kill(1).
 */
class StartupHangupTest {

    @TempDir
    Path dir;

    @Test
    void sighupsWhileTheServerStarts_areIgnored_andItComesUpServing() throws Exception {
        assumeFalse(ReloadTest.hupIgnoredAtStart(), "SIGHUP is ignored in this JVM (nohup?), so in its children too");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path yaml = Files.writeString(dir.resolve("bootproxy.yml"), "http_port: " + port
                + "\nbind_host: 127.0.0.1\nplugins:\n  alpha: {enabled: true}\n"
                + "server:\n  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]\n"
                + "  requestLog: {appenders: []}\n"
                + "logging:\n  level: INFO\n  appenders: [{type: console, threshold: INFO}]\n");
        Path out = dir.resolve("out.txt");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx192m", "-cp", System.getProperty("java.class.path"),
                BootproxyApplication.class.getName(), "server", yaml.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            // the first line is logged from inside the application, long before the listeners start
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (p.isAlive() && Files.size(out) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            int signals = 0;
            boolean serving = false;
            while (p.isAlive() && !serving && System.nanoTime() < deadline) {
                hangup(p.pid());
                signals++;
                Thread.sleep(20);
                serving = answers(port);
            }
            assertThat(p.isAlive()).as("still running after %d SIGHUPs during its start; exit %s; output:%n%s",
                    signals, p.isAlive() ? "-" : p.exitValue(), Files.readString(out)).isTrue();
            assertThat(serving).as("serving within 90 s").isTrue();
            assertThat(signals).isPositive();
            hangup(p.pid()); // and once it runs: a reload, not an exit
            long logged = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(out).contains("Reload: nothing to reload") && System.nanoTime() < logged) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(out)).contains("Reload: nothing to reload");
            assertThat(answers(port)).isTrue();
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void hangup(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).inheritIO().start();
        kill.waitFor(10, TimeUnit.SECONDS);
    }

    private static boolean answers(int port) {
        try {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/alpha");
            return r.statusCode() == 200 && r.body().equals("hello");
        } catch (Exception e) {
            return false;
        }
    }
}
