package org.bootproxy.dhcp.api;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.nio.file.Path;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.testing.FullApp;
import org.bootproxy.testing.TestYaml;

/** The whole application with only the dhcp plugin on the embedded provider, for the api tests. */
final class EmbeddedApp {

    private EmbeddedApp() {
    }

    /**
     * The extension running the application (configuration written to {@code dir}) with the store
     * in {@code state} and {@code subnets}: the YAML list items of {@code subnets:}, as they would
     * stand at its level ({@code "- network: 192.0.2.0/25\n"}).
     */
    static DropwizardAppExtension<BootproxyConfiguration> extension(Path dir, Path state, String subnets) {
        return FullApp.extension(dir, TestYaml.plugin("dhcp", """
                provider: embedded
                state_dir: %s
                subnets:
                """.formatted(state) + subnets.indent(2)));
    }
}
