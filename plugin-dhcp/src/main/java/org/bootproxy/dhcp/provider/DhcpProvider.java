package org.bootproxy.dhcp.provider;

import java.io.IOException;
import org.bootproxy.dhcp.backend.DhcpBackend;

/**
 * A DHCP backend provider: what {@code plugins.dhcp.provider} names. Providers are found with
 * {@link java.util.ServiceLoader} in the dhcp plugin's class loader (listed in
 * {@code META-INF/services/org.bootproxy.dhcp.provider.DhcpProvider}), so a jar dropped into
 * {@code modules/dhcp/} adds one. {@code embedded} and {@code isc} are bundled.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #name()} is the value of {@code plugins.dhcp.provider} and the key of the
 *       provider's own settings section {@code plugins.dhcp.<name>}; lower case, unique.</li>
 *   <li>{@link #settingsType()} is bound from that section by Jackson (unknown keys are refused at
 *       configuration load, naming their YAML path) and validated with Bean Validation before
 *       {@link #open}; an absent section binds as {@code {}}, so defaults and constraints apply.
 *       It needs a public no-argument constructor and {@code @JsonProperty} names.</li>
 *   <li>{@link #open} is called once at plugin start; the backend it returns honours the
 *       {@link DhcpBackend} contract and is closed at stop. It throws when the backend cannot
 *       be used at all (bad file, bad settings); an external server that is merely down at start
 *       should rather give a backend whose calls throw
 *       {@link org.bootproxy.dhcp.backend.BackendUnavailableException} until it is back.</li>
 *   <li>Only a provider whose {@link #runsEmbeddedServer()} is true may be combined with
 *       {@code plugins.dhcp.interfaces} in {@code mode: server}; its backend must then also be a
 *       {@link org.bootproxy.dhcp.backend.LeaseStore}. With {@code mode: proxy}, proxyDHCP runs
 *       beside any provider and reads reservations through {@link DhcpBackend}.</li>
 * </ul>
 * Implementations are stateless and thread-safe; a public no-argument constructor is required.
 *
 * @param <S> the settings type
 */
public interface DhcpProvider<S> {

    /** The provider's name, e.g. {@code isc}. */
    String name();

    /** The type {@code plugins.dhcp.<name>} is bound to. */
    Class<S> settingsType();

    /**
     * Opens the backend.
     *
     * @param context what the dhcp plugin gives every provider
     * @param settings the bound, validated settings section
     * @throws IOException when the backend's files or storage cannot be used
     * @throws IllegalArgumentException naming a bad setting
     */
    DhcpBackend open(ProviderContext context, S settings) throws IOException;

    /**
     * What {@code bootproxy check} asks the provider without opening it: files it cannot read or
     * write, a server or control socket it cannot reach (a short probe, a few seconds at most).
     * Must not change anything.
     *
     * @return one line per problem naming the key under {@code plugins.dhcp} and the value
     *     ({@code isc.config /etc/dhcp/dhcpd.conf is not readable}); empty when {@link #open}
     *     would succeed
     */
    default java.util.List<String> check(ProviderContext context, S settings) {
        return java.util.List.of();
    }

    /** Whether the embedded DHCP server runs with this provider (true only for {@code embedded}). */
    default boolean runsEmbeddedServer() {
        return false;
    }
}
