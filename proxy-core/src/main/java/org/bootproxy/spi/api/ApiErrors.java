package org.bootproxy.spi.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Errors of the REST API, as API.md wants them: a status code and a plain-text message naming the
 * bad value. Resources throw these; the core's exception mapper writes them and never turns a
 * client's mistake into a 500 or an ERROR log line.
 */
public final class ApiErrors {

    private ApiErrors() {
    }

    /** An error with {@code status} and {@code message} as its body. */
    public static WebApplicationException error(int status, String message) {
        return new WebApplicationException(message,
                Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(message).build());
    }

    public static WebApplicationException badRequest(String message) {
        return error(400, message);
    }

    public static WebApplicationException forbidden(String message) {
        return error(403, message);
    }

    public static WebApplicationException notFound(String message) {
        return error(404, message);
    }

    public static WebApplicationException conflict(String message) {
        return error(409, message);
    }
}
