package org.bootproxy.httpboot;

import com.codahale.metrics.health.HealthCheck;
import java.nio.file.Files;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bootproxy.httpboot.api.AccessLog;
import org.bootproxy.httpboot.jetty.HttpBootHandler;
import org.bootproxy.httpboot.serve.RootDir;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.RunningPlugin;

/** The started httpboot plugin: two public resources and the listener ports Foreman builds URLs from. */
public final class RunningHttpBoot implements RunningPlugin {

    private final RootDir root;
    private final Listeners listeners;
    private final List<Object> resources;
    private final HttpBootHandler fastPath;
    private final AccessLog access;

    RunningHttpBoot(RootDir root, Listeners listeners, List<Object> resources, HttpBootHandler fastPath,
            AccessLog access) {
        this.root = root;
        this.listeners = listeners;
        this.resources = List.copyOf(resources);
        this.fastPath = fastPath;
        this.access = access;
    }

    /**
     * The same service as a Jetty core handler, which the core mounts ahead of its own handlers
     * (about 4x less CPU per small request than the JAX-RS resources; see BENCHMARKS.md). It
     * declines everything but GET/HEAD of /httpboot and /EFI on the listeners httpboot is enabled on.
     */
    public HttpBootHandler fastPathHandler() {
        return fastPath;
    }

    /** GET and HEAD go through the fast path; the JAX-RS resources remain for anything it declines. */
    @Override
    public List<org.eclipse.jetty.server.Handler> handlers() {
        return List.of(fastPath);
    }

    @Override
    public List<Object> publicResources() {
        return resources;
    }

    /** {@code http_port}/{@code https_port}: the listener's port when httpboot is mounted on it, else null. */
    @Override
    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("http_port", listeners.pluginHttpPort().orElse(null));
        s.put("https_port", listeners.pluginHttpsPort().orElse(null));
        return Collections.unmodifiableMap(s);
    }

    @Override
    public Map<String, HealthCheck> healthChecks() {
        return Map.of("root_dir", new HealthCheck() {
            @Override
            protected Result check() {
                return root.served().filter(s -> Files.isDirectory(s.root()))
                        .map(s -> Result.healthy("serving " + s.root()))
                        .orElseGet(() -> Result.unhealthy("root_dir " + root.configured() + " is not an existing directory"));
            }
        });
    }

    @Override
    public String describe() {
        return "root=" + root.configured();
    }

    /**
     * Logs the access lines still queued. Requests hold their own file descriptors; mappings go
     * with the GC.
     */
    @Override
    public void stop() {
        access.close();
    }
}
