package org.bootproxy.core.plugins;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bootproxy.spi.Enablement;
import org.bootproxy.spi.RunningPlugin;

/**
 * The state of every known plugin after start-up: what {@code /features}, {@code /v2/features},
 * {@code /version}, {@code /logs} and the health checks report. Filled during
 * {@code Application.run}, read-only afterwards.
 */
public final class PluginRuntime {

    /**
     * One plugin's outcome.
     *
     * @param name feature name
     * @param version plugin version, or null when it could not be loaded
     * @param source where it was loaded from
     * @param state running, disabled or failed
     * @param enabled the listeners it is enabled on (for a running plugin), else FALSE
     * @param exposedSettings the names of its exposed settings
     * @param running the started instance, when running
     * @param failure why it failed, when failed
     */
    public record Entry(String name, String version, String source, PluginState state, Enablement enabled,
                        List<String> exposedSettings, RunningPlugin running, String failure) {
    }

    private final Map<String, Entry> entries = Collections.synchronizedMap(new TreeMap<>());

    public void put(Entry e) {
        entries.put(e.name(), e);
    }

    /** Every plugin, sorted by name. */
    public Collection<Entry> all() {
        synchronized (entries) {
            return List.copyOf(entries.values());
        }
    }

    public List<Entry> running() {
        return all().stream().filter(e -> e.state() == PluginState.RUNNING).toList();
    }

    /** {@code {plugin: reason}} of failed plugins. */
    public Map<String, String> failures() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry e : all()) {
            if (e.state() == PluginState.FAILED) {
                out.put(e.name(), e.failure());
            }
        }
        return out;
    }

    public Set<String> names() {
        synchronized (entries) {
            return Set.copyOf(entries.keySet());
        }
    }
}
