package org.bootproxy.core.check;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import net.sourceforge.argparse4j.inf.Namespace;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.core.config.YamlKeyPaths;
import org.bootproxy.core.http.ApplicationConnectors;
import org.bootproxy.core.http.PemKeyStores;
import org.bootproxy.core.plugins.LoadedPlugin;
import org.bootproxy.core.plugins.PluginSections;
import org.bootproxy.spi.Checks;
import org.bootproxy.spi.Enablement;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.ProxyPlugin;

/**
 * {@code bootproxy check <config.yml>}: everything that would stop a start or fail a plugin,
 * found without starting. Reading the file (with {@code conf.d/}) and binding it is Dropwizard's
 * part, which already refuses unknown keys and bad values naming the key; then this command
 * checks the listeners (HTTPS files, key against certificate, chain to {@code ssl_ca_file},
 * validity), that the listeners' and admin ports can be bound, and each enabled plugin: its
 * section's constraints and its own {@link ProxyPlugin#check}. Every problem is one line naming
 * the key and the value.
 *
 * <p>Exit status: 0 when a start would succeed with every enabled plugin running; 1 otherwise
 * (the configuration cannot be read or bound, or any problem was printed). Run it as the
 * service user to check what that user may read, write and bind.
 */
public final class CheckCommand extends ConfiguredCommand<BootproxyConfiguration> {

    /** Thrown to make the command exit 1 after the problems were printed. */
    public static final class ProblemsFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProblemsFound(List<String> problems) {
            super(String.join(System.lineSeparator(), problems) + System.lineSeparator() + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems")
                    + " found: bootproxy would not start as configured");
        }
    }

    private final Supplier<List<LoadedPlugin>> plugins;
    private final String version;

    public CheckCommand(Supplier<List<LoadedPlugin>> plugins, String version) {
        super("check", "Checks the configuration, its files, certificates, ports and plugins, without starting");
        this.plugins = plugins;
        this.version = version;
    }

    @Override
    protected void run(Bootstrap<BootproxyConfiguration> bootstrap, Namespace namespace,
                       BootproxyConfiguration config) {
        List<String> problems = problems(config, bootstrap.getObjectMapper(), bootstrap.getValidatorFactory()
                .getValidator(), bootstrap.getMetricRegistry());
        if (!problems.isEmpty()) {
            // printed by onError on the command line's error stream, one line each
            throw new ProblemsFound(problems);
        }
        System.out.println("Configuration is OK: " + String.join(", ", config.configurationFiles()));
    }

    /** Problems were printed already: one closing line, no stack trace. */
    @Override
    public void onError(io.dropwizard.core.cli.Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof ProblemsFound || e instanceof io.dropwizard.configuration.ConfigurationException) {
            cli.getStdErr().println(e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }

    /** The problems of {@code config}, one line each; empty when a start would succeed. */
    public List<String> problems(BootproxyConfiguration config, ObjectMapper mapper, Validator validator,
                                 MetricRegistry metrics) {
        List<String> out = new ArrayList<>();
        try {
            ApplicationConnectors.apply(config);
        } catch (RuntimeException e) {
            out.add(e.getMessage());
            return out;
        }
        if (config.httpsConfigured()) {
            try {
                PemKeyStores.verifyServerCertificate(config.getSslCertificate(), config.getSslPrivateKey(),
                        config.getSslCaFile(), new Date());
            } catch (PemKeyStores.PemException e) {
                out.add(e.getMessage());
            }
        }
        String bind = config.getBindHost();
        if (config.getHttpPort() != null) {
            Checks.tcpPortFree("http_port", bind, config.getHttpPort()).ifPresent(out::add);
        }
        if (config.getHttpsPort() != null) {
            Checks.tcpPortFree("https_port", bind, config.getHttpsPort()).ifPresent(out::add);
        }
        if (config.getServerFactory() instanceof DefaultServerFactory dsf) {
            List<ConnectorFactory> admins = dsf.getAdminConnectors();
            for (int i = 0; i < admins.size(); i++) {
                if (admins.get(i) instanceof HttpConnectorFactory h) {
                    Checks.tcpPortFree("server.adminConnectors[" + i + "].port", h.getBindHost(), h.getPort())
                            .ifPresent(out::add);
                }
            }
        }
        YamlKeyPaths keys = new YamlKeyPaths(mapper);
        PluginSections sections = config.getPlugins();
        for (LoadedPlugin lp : plugins.get()) {
            if (!lp.isLoaded()) {
                out.add("plugins." + lp.name() + ": the plugin from " + lp.source() + " cannot be loaded: "
                        + lp.loadFailure());
                continue;
            }
            out.addAll(checkPlugin(lp.plugin(), sections, keys, validator, config, mapper, metrics));
        }
        return out;
    }

    private <C extends PluginConfig> List<String> checkPlugin(ProxyPlugin<C> plugin, PluginSections sections,
                                                             YamlKeyPaths keys, Validator validator,
                                                             BootproxyConfiguration config, ObjectMapper mapper,
                                                             MetricRegistry metrics) {
        String name = plugin.name();
        C section = plugin.configClass().cast(sections.section(name)
                .orElseGet(() -> PluginSections.newInstance(plugin.configClass())));
        Enablement enabled = section.getEnabled();
        if (!enabled.enabled()) {
            return List.of();
        }
        Set<ConstraintViolation<C>> violations = validator.validate(section);
        if (!violations.isEmpty()) {
            return keys.describe("plugins." + name + ".", plugin.configClass(), violations);
        }
        Listeners listeners = new Listeners(config.getHttpPort(), config.getHttpsPort(), config.getBindHost(),
                enabled.http() && config.getHttpPort() != null, enabled.https() && config.getHttpsPort() != null,
                () -> config.getHttpPort() == null ? 0 : config.getHttpPort(),
                () -> config.getHttpsPort() == null ? 0 : config.getHttpsPort());
        PluginContext ctx = new CheckContext(name, version, listeners, metrics, mapper);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(plugin.getClass().getClassLoader());
        try {
            List<String> lines = new ArrayList<>();
            for (String line : plugin.check(section, ctx)) {
                lines.add("plugins." + name + "." + line);
            }
            return lines;
        } catch (RuntimeException | LinkageError e) {
            return List.of("plugins." + name + ": its check failed: " + e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private record CheckContext(String pluginName, String proxyVersion, Listeners listeners, MetricRegistry metrics,
                                ObjectMapper objectMapper) implements PluginContext {
    }
}
