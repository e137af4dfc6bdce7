package org.bootproxy.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jackson.Jackson;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.PluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code bootproxy check} learns from the tftp plugin. */
class TftpPluginCheckTest {

    @TempDir
    Path dir;

    private static List<String> check(String root, String listen) throws Exception {
        TftpConfig c = Jackson.newObjectMapper().readValue(
                "{\"enabled\": true, \"root\": \"" + root + "\", \"listen\": \"" + listen + "\"}", TftpConfig.class);
        return new TftpPlugin().check(c, context());
    }

    static PluginContext context() {
        return new PluginContext() {
            @Override
            public String pluginName() {
                return "tftp";
            }

            @Override
            public String proxyVersion() {
                return "test";
            }

            @Override
            public Listeners listeners() {
                return new Listeners(0, null, "127.0.0.1", true, false);
            }

            @Override
            public com.codahale.metrics.MetricRegistry metrics() {
                return new com.codahale.metrics.MetricRegistry();
            }

            @Override
            public com.fasterxml.jackson.databind.ObjectMapper objectMapper() {
                return Jackson.newObjectMapper();
            }
        };
    }

    @Test
    void aWritableRootAndAFreePort_pass_andAMissingRootThatCanBeCreatedToo() throws Exception {
        assertThat(check(dir.toString(), "127.0.0.1:0")).isEmpty();
        assertThat(check(dir.resolve("not-yet").toString(), "127.0.0.1:0")).isEmpty();
    }

    @Test
    void symlinkedRoot_andARootThatIsAFile_areNamed() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertThat(check(link.toString(), "127.0.0.1:0"))
                .containsExactly("root " + link + " is a symbolic link (name the real directory)");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(check(file.toString(), "127.0.0.1:0")).containsExactly("root " + file + " is not a directory");
    }

    @Test
    void listenPortInUse_isNamed() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = taken.getLocalPort();
            assertThat(check(dir.toString(), "127.0.0.1:" + port))
                    .containsExactly("listen 127.0.0.1:" + port + " cannot be bound: address already in use");
        }
    }
}
