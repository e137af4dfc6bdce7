package org.bootproxy.core.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Counts every API response (every Jersey resource, core's and plugins') as
 * {@code api.requests.<method>.<route>.<status>}, where the route is the matched resource template
 * ({@code /tftp/{variant}/{mac}}, so MAC addresses do not make new series) or {@code unmatched}.
 * Exported to Prometheus as {@code bootproxy_api_requests_total{method,route,status}}.
 * Thread-safe.
 */
public final class ApiRequestMetrics implements ContainerResponseFilter {

    private final MetricRegistry registry;
    private final ConcurrentMap<String, Meter> meters = new ConcurrentHashMap<>();

    public ApiRequestMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String route = route(request);
        // '.' separates the name's segments: a route never contains one once mapped
        String name = "api.requests." + request.getMethod() + "." + route.replace('.', '_') + "."
                + response.getStatus();
        meters.computeIfAbsent(name, registry::meter).mark();
    }

    private static String route(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo info)) {
            return "unmatched";
        }
        List<UriTemplate> templates = info.getMatchedTemplates();
        if (templates == null || templates.isEmpty()) {
            return "unmatched";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
            String t = templates.get(i).getTemplate();
            if (t.isEmpty() || "/".equals(t)) {
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) == '/' && t.startsWith("/")) {
                t = t.substring(1);
            } else if (!t.startsWith("/") && (sb.length() == 0 || sb.charAt(sb.length() - 1) != '/')) {
                sb.append('/');
            }
            sb.append(t);
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }
}
