package org.bootproxy.spi;

import com.codahale.metrics.health.HealthCheck;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A started plugin, as {@link ProxyPlugin#start} returns it. The core mounts its resources on the
 * listeners the plugin is enabled on, shows its settings and capabilities in {@code /v2/features},
 * registers its health checks, and calls {@link #stop()} once at shutdown.
 *
 * <p>Resources are JAX-RS resource instances (classes annotated with {@code @Path}). The core
 * decides who may call them: {@link #protectedResources()} need an authorized client (client
 * certificate on HTTPS, {@code trusted_hosts}), {@link #publicResources()} are open to anyone
 * (firmware has no certificate).
 */
public interface RunningPlugin {

    /** JAX-RS resources open to every client. */
    default List<Object> publicResources() {
        return List.of();
    }

    /** JAX-RS resources that need an authorized client (see API.md, Authorization). */
    default List<Object> protectedResources() {
        return List.of();
    }

    /**
     * The exposed settings with their current values, keyed by the names of
     * {@link ProxyPlugin#exposedSettings()}; values may be {@code null}.
     */
    default Map<String, Object> settings() {
        return Map.of();
    }

    /** Capabilities shown in {@code /v2/features} (e.g. {@code dhcp_filename_ipv4}). */
    default Set<String> capabilities() {
        return Set.of();
    }

    /**
     * Jetty core handlers the core places at the top of the server's handler tree, ahead of
     * Dropwizard's, for a plugin whose hot path cannot afford the servlet and Jersey layers
     * (httpboot's file serving). They see requests from the application listeners only. A
     * handler must decline ({@code handle} returns false) every request it does not serve — other
     * paths, methods, and listeners the plugin is not enabled on — so the core's routing,
     * authorization and error texts stay in charge of everything else. Handlers see no servlet
     * filters (no request-id MDC) and must do their own access logging. When every plugin's
     * handlers are {@code NON_BLOCKING} (they never wait: no blocking I/O, no locks held for
     * long, asynchronous writes), Jetty runs them on the thread that parsed the request; a
     * blocking one makes every request go through a pool thread. The core starts and stops them
     * with the server.
     */
    default List<org.eclipse.jetty.server.Handler> handlers() {
        return List.of();
    }

    /**
     * Why this running plugin cannot do all of its work right now (e.g. its store cannot write:
     * reads go on, writes fail until the disk takes them again), or empty while it can. The core
     * shows the reason as {@code "degraded"} in the plugin's {@code /v2/features} entry — the
     * state stays {@code "running"}, because the plugin still serves and Foreman drops every
     * feature that is not running — and fails the plugin's {@code plugin-<name>} health check
     * with it. Called on each of those requests: must be cheap and must not block.
     */
    default java.util.Optional<String> degraded() {
        return java.util.Optional.empty();
    }

    /** Health checks, registered as {@code <plugin>.<key>} on the admin port. */
    default Map<String, HealthCheck> healthChecks() {
        return Map.of();
    }

    /**
     * One short phrase for the start-up summary line, naming what an operator checks first
     * (e.g. {@code root=/var/lib/tftpboot listen=0.0.0.0:69}); empty by default.
     */
    default String describe() {
        return "";
    }

    /** Releases sockets, threads and files. Called once; must not throw. */
    void stop();
}
