package org.bootproxy.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.jackson.Jackson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.PluginContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code bootproxy check} learns from the dhcp plugin and its provider. */
class DhcpPluginCheckTest {

    @TempDir
    Path dir;

    private static List<String> check(String yaml) throws Exception {
        ObjectMapper yamlMapper = Jackson.newObjectMapper(new YAMLFactory());
        DhcpConfig c = yamlMapper.readValue(yaml, DhcpConfig.class);
        PluginContext ctx = new PluginContext() {
            @Override
            public String pluginName() {
                return "dhcp";
            }

            @Override
            public String proxyVersion() {
                return "test";
            }

            @Override
            public Listeners listeners() {
                return new Listeners(8000, null, "127.0.0.1", true, false);
            }

            @Override
            public com.codahale.metrics.MetricRegistry metrics() {
                return new com.codahale.metrics.MetricRegistry();
            }

            @Override
            public ObjectMapper objectMapper() {
                return Jackson.newObjectMapper();
            }
        };
        return new DhcpPlugin().check(c, ctx);
    }

    @Test
    void embeddedStore_inAWritableStateDir_passes() throws Exception {
        assertThat(check("enabled: true\nstate_dir: " + dir.resolve("dhcp") + "\n")).isEmpty();
    }

    @Test
    void stateDirThatCannotBeADirectory_isNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(check("enabled: true\nstate_dir: " + file + "\n"))
                .containsExactly("state_dir " + file + " is not a directory");
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createDirectories(dir.resolve("real")));
        assertThat(check("enabled: true\nstate_dir: " + link + "\n"))
                .containsExactly("state_dir " + link + " is a symbolic link (name the real directory)");
    }
}
