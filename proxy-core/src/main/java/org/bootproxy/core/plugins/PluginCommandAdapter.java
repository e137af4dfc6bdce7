package org.bootproxy.core.plugins;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.PluginCommand;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.ProxyPlugin;
import org.slf4j.LoggerFactory;

/**
 * Runs a plugin's {@link PluginCommand} as {@code bootproxy <name> [options] <config.yml>}: the
 * configuration file is parsed and validated like for {@code server}, and the command gets its
 * plugin's section. Its standard output carries only the command's own output; log lines go to
 * standard error at WARN and above.
 */
public final class PluginCommandAdapter<C extends PluginConfig> extends ConfiguredCommand<BootproxyConfiguration> {

    private final ProxyPlugin<C> plugin;
    private final PluginCommand<C> command;

    public PluginCommandAdapter(ProxyPlugin<C> plugin, PluginCommand<C> command) {
        super(command.name(), command.description());
        this.plugin = plugin;
        this.command = command;
    }

    @Override
    public void configure(Subparser subparser) {
        // the command's own positional arguments come first: bootproxy dhcp-store verify <config.yml>
        command.configure(subparser);
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<BootproxyConfiguration> bootstrap, Namespace namespace,
                       BootproxyConfiguration configuration) throws Exception {
        quietLogging();
        PluginConfig section = configuration.getPlugins().section(plugin.name())
                .orElseGet(() -> PluginSections.newInstance(plugin.configClass()));
        Integer http = configuration.getHttpPort();
        Integer https = configuration.httpsConfigured() ? configuration.getHttpsPort() : null;
        command.run(namespace, plugin.configClass().cast(section),
                new Listeners(http, https, configuration.getBindHost(), http != null, https != null), System.out);
        System.out.flush();
    }

    /** An operator's problem is one line on standard error (and exit 1), not a stack trace. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.IOException) {
            cli.getStdErr().println("bootproxy " + command.name() + ": " + e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }

    private static void quietLogging() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%-5level %logger{0}: %msg%n");
        enc.start();
        ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> err = new ConsoleAppender<>();
        err.setContext(ctx);
        err.setTarget("System.err");
        err.setEncoder(enc);
        err.start();
        root.addAppender(err);
        root.setLevel(Level.WARN);
    }
}
