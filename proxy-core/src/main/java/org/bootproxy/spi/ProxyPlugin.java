package org.bootproxy.spi;

import java.util.List;

/**
 * A bootproxy plugin (a "feature" in smart-proxy terms), found with {@link java.util.ServiceLoader}
 * on the class path and in the jars under {@code modules/}.
 *
 * <p>Lifecycle: the core instantiates the provider, checks {@link #spiVersion()}, binds and
 * validates the plugin's section {@code plugins.<name>} of the YAML into {@link #configClass()},
 * and when the plugin is enabled calls {@link #start} once. A plugin that throws from any of
 * these steps is reported as {@code failed} with the exception's message and the rest of the
 * proxy keeps running. Implementations must have a public no-argument constructor and must not
 * do any work in it.
 *
 * @param <C> the plugin's configuration type
 */
public interface ProxyPlugin<C extends PluginConfig> {

    /** The feature name Foreman knows ({@code tftp}, {@code httpboot}, {@code dhcp}); lower case, unique. */
    String name();

    /** The plugin's version, shown in {@code /version} and the start-up log. */
    String version();

    /**
     * The SPI version the plugin was compiled against: implement it as
     * {@code return PluginSpi.VERSION;} so the constant is compiled into the plugin.
     */
    int spiVersion();

    /** The type the plugin's YAML section binds to; unknown keys in that section are refused. */
    Class<C> configClass();

    /**
     * The names of the settings this plugin exposes in {@code /v2/features}. A disabled or failed
     * plugin shows each of them with value {@code null}; a running one shows
     * {@link RunningPlugin#settings()}.
     */
    default List<String> exposedSettings() {
        return List.of();
    }

    /** Command-line sub-commands of {@code bootproxy} this plugin adds (e.g. {@code dhcp-config}). */
    default List<PluginCommand<C>> commands() {
        return List.of();
    }

    /**
     * What {@code bootproxy check} asks a plugin before any start: everything that would make
     * {@link #start} fail or the plugin misbehave and that can be found without starting it
     * (roots that are missing, symlinks or not writable, ports already in use, an external
     * service it cannot reach). Called only for an enabled plugin whose section passed
     * validation. Must not bind, write or keep anything; may read files and probe the network
     * briefly (a few seconds at most). {@link Checks} has the common checks.
     *
     * @return one line per problem, each naming the YAML key under the plugin's section and the
     *     value ({@code root /srv/tftp is a symbolic link}); empty when the plugin would start
     */
    default List<String> check(C config, PluginContext context) {
        return List.of();
    }

    /**
     * Builds and starts the plugin from its validated configuration. Called only when the plugin
     * is enabled on at least one listener. Sockets, threads and files are opened here, not earlier.
     *
     * @throws Exception anything that prevents the plugin from running; it becomes {@code failed}
     *     with the message
     */
    RunningPlugin start(C config, PluginContext context) throws Exception;
}
