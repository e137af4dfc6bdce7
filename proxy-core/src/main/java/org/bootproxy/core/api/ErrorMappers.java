package org.bootproxy.core.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.bootproxy.core.auth.PluginRoutingFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.bootproxy.spi.log.LogSafe;

/**
 * How errors leave the REST API (API.md, Conventions): the status code, and a plain-text message
 * as the body, typed {@code application/json} when the client accepts JSON (as upstream does:
 * Foreman reads only the status). Unknown paths are {@code 404 Requested url was not found}.
 * Only a bug in bootproxy is a 500 and an ERROR line; a client's mistake never is.
 */
public final class ErrorMappers {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMappers.class);

    private ErrorMappers() {
    }

    static Response text(int status, String message, HttpHeaders headers) {
        MediaType type = MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8");
        if (headers != null) {
            try {
                if (acceptsJson(headers.getAcceptableMediaTypes())) {
                    type = MediaType.APPLICATION_JSON_TYPE;
                }
            } catch (RuntimeException e) {
                // an unparsable Accept header: answer text
            }
        }
        return Response.status(status).type(type).entity(message).build();
    }

    /**
     * Jersey returns a {@code WebApplicationException} that carries its own entity (as
     * {@link org.bootproxy.spi.api.ApiErrors} builds them) without consulting any mapper; this
     * filter gives those error answers the same content type as the mapped ones.
     */
    public static final class ErrorContentType implements jakarta.ws.rs.container.ContainerResponseFilter {
        @Override
        public void filter(jakarta.ws.rs.container.ContainerRequestContext request,
                           jakarta.ws.rs.container.ContainerResponseContext response) {
            if (response.getStatus() >= 400 && response.getEntity() instanceof String
                    && MediaType.TEXT_PLAIN_TYPE.isCompatible(response.getMediaType())) {
                try {
                    if (acceptsJson(request.getAcceptableMediaTypes())) {
                        response.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_TYPE);
                    }
                } catch (RuntimeException e) {
                    // an unparsable Accept header: keep text
                }
            }
        }
    }

    static boolean acceptsJson(java.util.List<MediaType> acceptable) {
        for (MediaType accepted : acceptable) {
            if (accepted.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !accepted.isWildcardType()) {
                return true;
            }
        }
        return false;
    }

    /** 413 when {@code e} is, or was caused by, a body read past {@code max_request_body}; else null. */
    static Response tooLarge(Throwable e, HttpHeaders headers) {
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof RequestBodyLimitFilter.TooLargeException) {
                return text(413, c.getMessage(), headers);
            }
        }
        return null;
    }

    /** Statuses chosen by resources or by Jersey (404, 405, 406, 415...). */
    public static final class WebApplication implements ExceptionMapper<WebApplicationException> {
        @Context
        private HttpHeaders headers;

        @Override
        public Response toResponse(WebApplicationException e) {
            Response tooLarge = tooLarge(e, headers);
            if (tooLarge != null) {
                return tooLarge;
            }
            Response r = e.getResponse();
            int status = r.getStatus();
            if (status == 405) {
                // upstream (Sinatra) has no 405: a route without that method is simply not found
                return text(404, PluginRoutingFeature.NOT_FOUND, headers);
            }
            String message;
            if (r.hasEntity() && r.getEntity() instanceof String s) {
                message = s;
            } else if (status == 404) {
                message = PluginRoutingFeature.NOT_FOUND;
            } else if (e.getMessage() != null && !e.getMessage().startsWith("HTTP ")) {
                message = e.getMessage();
            } else {
                message = r.getStatusInfo().getReasonPhrase();
            }
            if (status >= 500) {
                LOG.error("Request failed with {}: {} (request {})", status, LogSafe.escape(message), MDC.get("request_id"), e);
            }
            Response out = text(status, message, headers);
            if (r.getHeaders().containsKey("Allow")) {
                return Response.fromResponse(out).header("Allow", r.getHeaderString("Allow")).build();
            }
            return out;
        }
    }

    /** Malformed JSON bodies. */
    public static final class Json implements ExceptionMapper<JsonProcessingException> {
        @Context
        private HttpHeaders headers;

        @Override
        public Response toResponse(JsonProcessingException e) {
            return text(400, "Malformed request body: " + e.getOriginalMessage(), headers);
        }
    }

    /**
     * Anything else is a bug: 500 with the request id to find the ERROR line; except a body read past
     * {@code max_request_body} (413, however deep Jersey wrapped it) and parameters Rack would
     * refuse (400).
     */
    public static final class Unexpected implements ExceptionMapper<Throwable> {
        @Context
        private HttpHeaders headers;

        @Override
        public Response toResponse(Throwable e) {
            Response tooLarge = tooLarge(e, headers);
            if (tooLarge != null) {
                return tooLarge;
            }
            if (e instanceof WebApplicationException w) {
                return new WebApplication().toResponse(w);
            }
            if (e instanceof IllegalArgumentException) {
                return text(400, e.getMessage() == null ? "Bad request" : e.getMessage(), headers);
            }
            String id = MDC.get("request_id");
            LOG.error("Internal error (request {})", id, e);
            return text(500, "Internal error (request " + id + "); see the proxy's log", headers);
        }
    }
}
