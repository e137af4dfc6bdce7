package org.bootproxy.core.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bootproxy.core.logging.LogBuffer;
import org.bootproxy.core.plugins.PluginRuntime;
import org.bootproxy.spi.api.ApiErrors;

/** {@code GET /logs} and {@code /logs/} (protected): the in-memory log buffer and failed plugins. */
@Path("/logs")
@Produces(MediaType.APPLICATION_JSON)
public final class LogsResource {

    private final LogBuffer buffer;
    private final PluginRuntime runtime;

    public LogsResource(LogBuffer buffer, PluginRuntime runtime) {
        this.buffer = buffer;
        this.runtime = runtime;
    }

    @GET
    public Map<String, Object> logs(@QueryParam("from_timestamp") String from) {
        double since = 0;
        if (from != null && !from.isBlank()) {
            try {
                since = Double.parseDouble(from.trim());
            } catch (NumberFormatException e) {
                throw ApiErrors.badRequest("Invalid from_timestamp: " + from);
            }
            if (Double.isNaN(since)) {
                throw ApiErrors.badRequest("Invalid from_timestamp: " + from);
            }
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("size", buffer.size());
        info.put("tail_size", buffer.errorSize());
        info.put("level", null);
        info.put("level_tail", 3);
        info.put("failed_modules", runtime.failures());
        List<Map<String, Object>> logs = buffer.since(since).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            // seconds with milliseconds, written as a plain decimal (1707213331.123), never in E notation
            m.put("timestamp", java.math.BigDecimal.valueOf(Math.round(e.timestamp() * 1000), 3));
            m.put("level", e.level());
            m.put("message", e.message());
            m.put("request_id", e.requestId());
            return m;
        }).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("info", info);
        out.put("logs", logs);
        return out;
    }
}
