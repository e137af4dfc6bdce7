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

    private static int closedPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // free again once closed: nothing listens there
        }
    }

    @Test
    void isc_namesUnreadableFilesAndAnOmapiPortNobodyAnswers_andPassesWhenDhcpdIsThere() throws Exception {
        int port = closedPort();
        String yaml = "enabled: true\nprovider: isc\nisc:\n  server: 127.0.0.1\n  omapi_port: %d\n  config: %s\n  leases: %s\n";
        List<String> problems = check(yaml.formatted(port, dir.resolve("dhcpd.conf"), dir.resolve("dhcpd.leases")));
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).isEqualTo("isc.config " + dir.resolve("dhcpd.conf") + " does not exist");
        assertThat(problems.get(1)).isEqualTo("isc.leases " + dir.resolve("dhcpd.leases") + " does not exist");
        assertThat(problems.get(2)).startsWith("isc.server/omapi_port 127.0.0.1:" + port + " cannot be reached");

        Files.writeString(dir.resolve("dhcpd.conf"), "");
        Files.writeString(dir.resolve("dhcpd.leases"), "");
        try (java.net.ServerSocket omapi = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(check(yaml.formatted(omapi.getLocalPort(), dir.resolve("dhcpd.conf"), dir.resolve("dhcpd.leases"))))
                    .isEmpty();
        }
    }

    @Test
    void kea_namesAControlSocketNobodyListensOn_andPassesWhenKeaListens() throws Exception {
        Path socket = dir.resolve("kea4-ctrl-socket");
        String yaml = "enabled: true\nprovider: kea\nkea:\n  control_socket: " + socket + "\n";
        assertThat(check(yaml)).singleElement().asString().startsWith("kea.control_socket " + socket + " cannot be reached");
        try (java.nio.channels.ServerSocketChannel kea = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            kea.bind(java.net.UnixDomainSocketAddress.of(socket));
            assertThat(check(yaml)).isEmpty();
        }
        int port = closedPort();
        assertThat(check("enabled: true\nprovider: kea\nkea:\n  url: http://127.0.0.1:" + port + "/\n"))
                .singleElement().asString().startsWith("kea.url 127.0.0.1:" + port + " cannot be reached");
    }

    @Test
    void dnsmasq_namesAMissingConfigAndAPidFileOfNoRunningProcess() throws Exception {
        Path pid = Files.writeString(dir.resolve("dnsmasq.pid"), "999999999\n");
        String yaml = "enabled: true\nprovider: dnsmasq\ndnsmasq:\n  config: %s\n  pid_file: %s\n";
        assertThat(check(yaml.formatted(dir.resolve("dnsmasq.conf"), pid))).containsExactly(
                "dnsmasq.config " + dir.resolve("dnsmasq.conf") + " does not exist",
                "dnsmasq.pid_file " + pid + " names process 999999999, which is not running");
        Files.writeString(dir.resolve("dnsmasq.conf"), "");
        Files.writeString(pid, ProcessHandle.current().pid() + "\n");
        assertThat(check(yaml.formatted(dir.resolve("dnsmasq.conf"), pid))).isEmpty();
    }
}
