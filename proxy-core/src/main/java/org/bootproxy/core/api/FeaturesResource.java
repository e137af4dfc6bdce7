package org.bootproxy.core.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bootproxy.core.plugins.PluginRuntime;
import org.bootproxy.core.plugins.PluginState;

/**
 * {@code GET /v2/features} (protected): every known plugin, running, disabled or failed, with its
 * listeners, exposed settings (all {@code null} unless running) and capabilities; a running plugin
 * that reports itself degraded ({@link org.bootproxy.spi.RunningPlugin#degraded()}) also has
 * {@code "degraded": "<reason>"}.
 */
@Path("/v2/features")
@Produces(MediaType.APPLICATION_JSON)
public final class FeaturesResource {

    static final String LOGS = "logs";

    private final PluginRuntime runtime;
    private final boolean httpListener;
    private final boolean httpsListener;

    public FeaturesResource(PluginRuntime runtime, boolean httpListener, boolean httpsListener) {
        this.runtime = runtime;
        this.httpListener = httpListener;
        this.httpsListener = httpsListener;
    }

    @GET
    public Map<String, Object> features() {
        Map<String, Object> out = new TreeMap<>();
        out.put(LOGS, feature(httpListener, httpsListener, Map.of(), PluginState.RUNNING, List.of()));
        for (PluginRuntime.Entry e : runtime.all()) {
            boolean running = e.state() == PluginState.RUNNING;
            Map<String, Object> settings = new TreeMap<>();
            for (String s : e.exposedSettings()) {
                settings.put(s, null);
            }
            List<String> capabilities = new ArrayList<>();
            if (running) {
                settings.putAll(e.running().settings());
                capabilities.addAll(e.running().capabilities());
                capabilities.sort(null);
            }
            Map<String, Object> f = feature(running && e.enabled().http() && httpListener,
                    running && e.enabled().https() && httpsListener, settings, e.state(), capabilities);
            if (running) {
                e.running().degraded().ifPresent(reason -> f.put("degraded", reason));
            }
            out.put(e.name(), f);
        }
        return out;
    }

    private static Map<String, Object> feature(boolean http, boolean https, Map<String, Object> settings,
                                               PluginState state, List<String> capabilities) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("http_enabled", http);
        f.put("https_enabled", https);
        f.put("settings", settings);
        f.put("state", state);
        f.put("capabilities", capabilities);
        return f;
    }
}
