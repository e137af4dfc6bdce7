package org.bootproxy.core.auth;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bootproxy.spi.Enablement;
import org.bootproxy.spi.api.ApiErrors;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.Resource;

/**
 * Decides, per resource class, on which listener a route exists and who may call it:
 * <ul>
 *   <li>a plugin's resources answer only on the listeners the plugin is enabled on; on the
 *       other listener they are {@code 404 Requested url was not found}, exactly like an unknown
 *       path;</li>
 *   <li>protected resources (the plugins' {@code protectedResources()}, {@code /v2/features},
 *       {@code /logs}) get the {@link ClientCertificateAuthFilter}.</li>
 * </ul>
 * Resources are registered with it before Jersey starts. Plugin resources must be root resource
 * classes (no sub-resource locators), which is how every bundled plugin is written.
 *
 * <p>Methods Jersey adds by itself (the automatic {@code OPTIONS} answer, WADL) are handled by a
 * class of Jersey's, not by the resource class: for them the resource is found at request time from
 * the matched resource model, so {@code OPTIONS /dhcp} is 404 where dhcp is off and 403 without a
 * client certificate, exactly like {@code GET}.
 */
public final class PluginRoutingFeature implements DynamicFeature {

    /** Not found, as API.md words it for unknown paths and paths of a plugin not on this listener. */
    public static final String NOT_FOUND = "Requested url was not found";

    private final Map<Class<?>, Enablement> listenersByClass = new ConcurrentHashMap<>();
    private final Set<Class<?>> protectedClasses = ConcurrentHashMap.newKeySet();
    private final ClientCertificateAuthFilter authFilter;

    public PluginRoutingFeature(ClientCertificateAuthFilter authFilter) {
        this.authFilter = authFilter;
    }

    /** Registers a resource class of a plugin enabled on {@code listeners}. */
    public void mount(Class<?> resourceClass, Enablement listeners, boolean isProtected) {
        listenersByClass.put(resourceClass, listeners);
        if (isProtected) {
            protectedClasses.add(resourceClass);
        }
    }

    @Override
    public void configure(ResourceInfo info, FeatureContext context) {
        Class<?> cls = info.getResourceClass();
        if (cls == null || !isResourceClass(cls)) {
            // a method Jersey generated (OPTIONS, WADL): its handler says nothing about the route
            context.register(new MatchedResourceFilter());
            return;
        }
        Enablement listeners = listenersByClass.get(cls);
        if (listeners != null && listeners != Enablement.TRUE) {
            context.register(new ListenerFilter(listeners));
        }
        if (protectedClasses.contains(cls)) {
            context.register(authFilter);
        }
    }

    private static boolean isResourceClass(Class<?> cls) {
        return cls.isAnnotationPresent(jakarta.ws.rs.Path.class);
    }

    /** The listener and authorization checks of the matched resource, decided per request. */
    @Priority(Priorities.AUTHENTICATION - 100)
    final class MatchedResourceFilter implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext ctx) {
            Resource resource = ((ExtendedUriInfo) ctx.getUriInfo()).getMatchedModelResource();
            List<Class<?>> classes = new ArrayList<>();
            for (Resource r = resource; r != null; r = r.getParent()) {
                classes.addAll(r.getHandlerClasses());
                r.getHandlerInstances().forEach(i -> classes.add(i.getClass()));
            }
            for (Class<?> cls : classes) {
                Enablement listeners = listenersByClass.get(cls);
                if (listeners != null && listeners != Enablement.TRUE) {
                    new ListenerFilter(listeners).filter(ctx);
                }
            }
            if (classes.stream().anyMatch(protectedClasses::contains)) {
                authFilter.filter(ctx);
            }
        }
    }

    /** 404 for a request on a listener the resource's plugin is not enabled on. */
    @Priority(Priorities.AUTHENTICATION - 100)
    static final class ListenerFilter implements ContainerRequestFilter {
        private final Enablement listeners;

        ListenerFilter(Enablement listeners) {
            this.listeners = listeners;
        }

        @Override
        public void filter(ContainerRequestContext ctx) {
            boolean ok = ctx.getSecurityContext().isSecure() ? listeners.https() : listeners.http();
            if (!ok) {
                throw ApiErrors.notFound(NOT_FOUND);
            }
        }
    }
}
