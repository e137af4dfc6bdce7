package org.bootproxy.core.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bootproxy.core.plugins.PluginRuntime;

/** {@code GET /features} and {@code GET /version}: public. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class RootResource {

    private final PluginRuntime runtime;
    private final String proxyVersion;

    public RootResource(PluginRuntime runtime, String proxyVersion) {
        this.runtime = runtime;
        this.proxyVersion = proxyVersion;
    }

    /** Sorted names of the running features, {@code logs} included. */
    @GET
    @Path("features")
    public List<String> features() {
        List<String> names = new ArrayList<>();
        names.add(FeaturesResource.LOGS);
        runtime.running().forEach(e -> names.add(e.name()));
        names.sort(null);
        return names;
    }

    @GET
    @Path("version")
    public Map<String, Object> version() {
        Map<String, String> modules = new TreeMap<>();
        modules.put(FeaturesResource.LOGS, proxyVersion);
        runtime.running().forEach(e -> modules.put(e.name(), e.version()));
        return Map.of("version", proxyVersion, "modules", modules);
    }
}
