package org.bootproxy.dhcp.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bootproxy dhcp-config} as an operator runs it (a separate JVM): a mistake is one line on
 * standard error and a non-zero exit, never a stack trace; a store it cannot read fails it rather
 * than print a configuration that silently lacks the reservations; boot URLs use the
 * configuration's {@code http_port}.
 */
class DhcpConfigCliTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Path yaml(Path stateDir) throws Exception {
        Path f = dir.resolve("bootproxy.yml");
        Files.writeString(f, """
                http_port: 9000
                plugins:
                  dhcp:
                    enabled: true
                    state_dir: %s
                    subnets:
                      - network: 192.0.2.0/24
                        range: [192.0.2.100, 192.0.2.200]
                """.formatted(stateDir));
        return f;
    }

    private Run run(Path yaml, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Dbootproxy.modules=" + dir.resolve("no-modules"), "-cp",
                System.getProperty("java.class.path"), "org.bootproxy.core.BootproxyApplication", "dhcp-config"));
        cmd.addAll(List.of(args));
        cmd.add(yaml.toString());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void withoutNextServer_failsWithOneLine_notAStackTrace() throws Exception {
        Run r = run(yaml(dir.resolve("state")), "--format", "dnsmasq");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("dhcp-config: give --next-server").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void bootUrls_useTheConfigurationsHttpPort_unlessGiven() throws Exception {
        Run r = run(yaml(dir.resolve("state")), "--format", "dnsmasq", "--next-server", "192.0.2.1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("http://192.0.2.1:9000/httpboot/").doesNotContain(":8000/");
        Run given = run(yaml(dir.resolve("state")), "--format", "dnsmasq", "--next-server", "192.0.2.1",
                "--http-port", "8080");
        assertThat(given.out()).contains("http://192.0.2.1:8080/httpboot/").doesNotContain(":9000/");
    }

    @Test
    void busyOrUnreadableStore_failsNonZero_sayingWhy() throws Exception {
        Path state = Files.createDirectories(dir.resolve("busy"));
        try (FileChannel lc = FileChannel.open(state.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = lc.lock()) {
            Run r = run(yaml(state), "--format", "isc", "--next-server", "192.0.2.1");
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("cannot read the reservations of " + state).doesNotContain("\tat ");
            assertThat(r.out()).isEmpty();
            // on purpose, without them
            Run without = run(yaml(state), "--format", "isc", "--next-server", "192.0.2.1", "--without-reservations");
            assertThat(without.exit()).as(without.err()).isZero();
            assertThat(without.out()).contains("subnet 192.0.2.0 netmask 255.255.255.0");
        }
        Path notADirectory = Files.writeString(dir.resolve("state-file"), "x");
        Run r = run(yaml(notADirectory), "--format", "kea", "--next-server", "192.0.2.1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("is not a directory").doesNotContain("\tat ");
    }
}
