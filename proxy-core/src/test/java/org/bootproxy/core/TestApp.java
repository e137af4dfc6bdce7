package org.bootproxy.core;

import io.dropwizard.testing.DropwizardTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

/** Runs the application on a YAML written by the test; closes it afterwards. */
final class TestApp implements AutoCloseable {

    private final DropwizardTestSupport<BootproxyConfiguration> support;

    private TestApp(DropwizardTestSupport<BootproxyConfiguration> support) {
        this.support = support;
    }

    static TestApp start(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("bootproxy-" + System.nanoTime() + ".yml");
        Files.writeString(file, yaml);
        DropwizardTestSupport<BootproxyConfiguration> s = new DropwizardTestSupport<>(BootproxyApplication.class,
                file.toString());
        try {
            s.before();
        } catch (Exception | Error e) {
            s.after();
            throw e;
        }
        return new TestApp(s);
    }

    /** What start-up throws for a configuration, or null when it starts. */
    static Throwable startFailure(Path dir, String yaml) throws IOException {
        try (TestApp app = start(dir, yaml)) {
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    int port(boolean tls) {
        for (Connector c : support.getEnvironment().getApplicationContext().getServer().getConnectors()) {
            if (c instanceof ServerConnector sc && !String.valueOf(sc.getName()).contains("admin")
                    && BoundPorts.isTls(sc) == tls) {
                return sc.getLocalPort();
            }
        }
        throw new IllegalStateException("no " + (tls ? "https" : "http") + " listener");
    }

    int adminPort() {
        for (Connector c : support.getEnvironment().getApplicationContext().getServer().getConnectors()) {
            if (c instanceof ServerConnector sc && String.valueOf(sc.getName()).contains("admin")) {
                return sc.getLocalPort();
            }
        }
        throw new IllegalStateException("no admin listener");
    }

    BootproxyApplication application() {
        return (BootproxyApplication) support.getApplication();
    }

    static final String QUIET_LOGGING = org.bootproxy.testing.TestYaml.QUIET_SERVER;

    @Override
    public void close() {
        support.after();
    }
}
