package org.bootproxy.core.testplugins;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotEmpty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.PluginContext;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.bootproxy.spi.RunningPlugin;
import org.bootproxy.spi.api.ApiErrors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A test plugin with a public and a protected resource, settings and a capability. */
public final class AlphaPlugin implements ProxyPlugin<AlphaPlugin.Config> {

    public static final class Config extends PluginConfig {
        @NotEmpty
        @JsonProperty("greeting")
        private String greeting = "hello";

        @Max(10)
        @JsonProperty("level")
        private int level = 1;

        /** A Java name that differs from its YAML key, for error messages. */
        @jakarta.validation.constraints.Min(1)
        @JsonProperty("max_greetings")
        private int maxGreetings = 1;
    }

    @Path("/alpha")
    @Produces(MediaType.TEXT_PLAIN)
    public static final class PublicResource {
        private static final Logger LOG = LoggerFactory.getLogger(PublicResource.class);
        private final String greeting;

        PublicResource(String greeting) {
            this.greeting = greeting;
        }

        @GET
        public String get() {
            LOG.info("alpha greeted");
            return greeting;
        }

        @GET
        @Path("{id}")
        public String byId(@PathParam("id") String id) {
            if (!id.matches("[0-9]+")) {
                throw ApiErrors.badRequest("Invalid id: " + id);
            }
            return id;
        }
    }

    /** Blocks until {@link #RELEASE} opens (at most 20 s): stands for a resource that waits on I/O. */
    public static final java.util.concurrent.CountDownLatch RELEASE = new java.util.concurrent.CountDownLatch(1);

    @Path("/alpha-wait")
    @Produces(MediaType.TEXT_PLAIN)
    public static final class WaitResource {
        @GET
        public String get() throws InterruptedException {
            return RELEASE.await(20, java.util.concurrent.TimeUnit.SECONDS) ? "released" : "timed out";
        }
    }

    /** A non-blocking Jetty handler for GET /alpha-fast; declines everything else. */
    static final class FastHandler extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            if (!"/alpha-fast".equals(path) && !"/alpha-fast/tls".equals(path)) {
                return false;
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            Content.Sink.write(response, true, path.endsWith("/tls")
                    ? String.valueOf(request.getAttribute("jakarta.servlet.request.cipher_suite")) : "fast", callback);
            return true;
        }
    }

    @Path("/alpha-admin")
    @Produces(MediaType.TEXT_PLAIN)
    public static final class AdminResource {
        @GET
        public String get() {
            return "secret";
        }
    }

    @Override
    public String name() {
        return "alpha";
    }

    @Override
    public String version() {
        return "1.2.3";
    }

    @Override
    public int spiVersion() {
        return PluginSpi.VERSION;
    }

    @Override
    public Class<Config> configClass() {
        return Config.class;
    }

    @Override
    public List<String> exposedSettings() {
        return List.of("alpha_port", "greeting");
    }

    /** A stand-in for an external service the plugin cannot reach. */
    @Override
    public List<String> check(Config config, PluginContext context) {
        return "unreachable".equals(config.greeting)
                ? List.of("greeting " + config.greeting + " cannot be reached") : List.of();
    }

    @Override
    public RunningPlugin start(Config config, PluginContext context) {
        return new RunningPlugin() {
            @Override
            public List<Object> publicResources() {
                return List.of(new PublicResource(config.greeting), new WaitResource());
            }

            @Override
            public List<Handler> handlers() {
                return List.of(new FastHandler());
            }

            @Override
            public List<Object> protectedResources() {
                return List.of(new AdminResource());
            }

            @Override
            public Map<String, Object> settings() {
                java.util.HashMap<String, Object> m = new java.util.HashMap<>();
                m.put("alpha_port", context.listeners().pluginHttpPort().orElse(null));
                m.put("greeting", config.greeting);
                return m;
            }

            @Override
            public Set<String> capabilities() {
                return Set.of("alpha_cap");
            }

            @Override
            public Map<String, HealthCheck> healthChecks() {
                return Map.of("ok", new HealthCheck() {
                    @Override
                    protected Result check() {
                        return Result.healthy();
                    }
                });
            }

            @Override
            public void stop() {
            }
        };
    }
}
