package org.bootproxy.spi;

import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * A {@code bootproxy <command> [options] <config.yml>} sub-command contributed by a plugin. The
 * core parses and validates the configuration file, binds the plugin's section and calls
 * {@link #run} with it, whether or not the plugin is enabled.
 *
 * @param <C> the plugin's configuration type
 */
public interface PluginCommand<C extends PluginConfig> {

    /** The sub-command's name, e.g. {@code dhcp-config}. */
    String name();

    /** One line for {@code bootproxy --help}. */
    String description();

    /**
     * Adds the command's own options and positional arguments; the core adds the configuration
     * file argument after them ({@code bootproxy <command> <positionals> <config.yml>}).
     */
    default void configure(Subparser subparser) {
    }

    /**
     * Runs the command; output goes to {@code out}. Throw to fail: an {@link IllegalArgumentException},
     * {@link IllegalStateException} or {@link java.io.IOException} is an operator's problem and is
     * printed as its message alone, with a non-zero exit; anything else also gets its stack trace.
     */
    void run(Namespace namespace, C config, java.io.PrintStream out) throws Exception;

    /**
     * As {@link #run(Namespace, PluginConfig, java.io.PrintStream)}, also given the listeners of the
     * configuration file ({@code http_port}, {@code https_port}, {@code bind_host}); the core calls
     * this one. The default ignores them.
     */
    default void run(Namespace namespace, C config, Listeners listeners, java.io.PrintStream out) throws Exception {
        run(namespace, config, out);
    }
}
