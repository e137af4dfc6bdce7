package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.testing.DropwizardTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.core.http.ApplicationConnectors;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin connector (tasks, threads: no authentication) is on loopback unless told otherwise. */
class AdminConnectorTest {

    @TempDir
    Path dir;

    @Test
    void noServerSection_adminConnectorBindsLoopback() {
        BootproxyConfiguration config = new BootproxyConfiguration() {
            @Override
            public Integer getHttpPort() {
                return 0;
            }
        };
        ApplicationConnectors.apply(config);
        DefaultServerFactory dsf = (DefaultServerFactory) config.getServerFactory();
        assertThat(dsf.getAdminConnectors()).isNotEmpty();
        for (ConnectorFactory c : dsf.getAdminConnectors()) {
            assertThat(((HttpConnectorFactory) c).getBindHost()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void adminConnectorWithoutBindHost_listensOnLoopbackOnly_andAnExplicitAddressIsKept() throws Exception {
        assertThat(adminHost("http_port: 0\nbind_host: 127.0.0.1\nserver:\n  adminConnectors: [{type: http, port: 0}]\n"))
                .isEqualTo("127.0.0.1");
        assertThat(adminHost("http_port: 0\nbind_host: 127.0.0.1\nserver:\n"
                + "  adminConnectors: [{type: http, port: 0, bindHost: 0.0.0.0}]\n")).isEqualTo("0.0.0.0");
    }

    private String adminHost(String yaml) throws Exception {
        Path file = dir.resolve("admin-" + System.nanoTime() + ".yml");
        Files.writeString(file, yaml + "logging:\n  level: WARN\n  appenders: [{type: console, threshold: WARN}]\n");
        DropwizardTestSupport<BootproxyConfiguration> s = new DropwizardTestSupport<>(BootproxyApplication.class,
                file.toString());
        s.before();
        try {
            for (Connector c : s.getEnvironment().getApplicationContext().getServer().getConnectors()) {
                if (c instanceof ServerConnector sc && String.valueOf(sc.getName()).contains("admin")) {
                    return sc.getHost();
                }
            }
            throw new AssertionError("no admin connector");
        } finally {
            s.after();
        }
    }
}
