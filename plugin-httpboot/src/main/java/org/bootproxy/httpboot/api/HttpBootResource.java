package org.bootproxy.httpboot.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET}/{@code HEAD /httpboot/<path>}: the file {@code <root_dir>/<path>}. Public (firmware
 * has no client certificate). The path is read raw from the request, not from Jersey's match.
 */
@Path("/httpboot")
public final class HttpBootResource {

    private final FileEndpoint endpoint;

    public HttpBootResource(FileEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @GET
    public Response getRoot(@Context HttpServletRequest request, @Context HttpServletResponse response) {
        return endpoint.serve("httpboot", false, request, response);
    }

    @HEAD
    public Response headRoot(@Context HttpServletRequest request, @Context HttpServletResponse response) {
        return endpoint.serve("httpboot", true, request, response);
    }

    @GET
    @Path("{path: .*}")
    public Response get(@Context HttpServletRequest request, @Context HttpServletResponse response) {
        return endpoint.serve("httpboot", false, request, response);
    }

    @HEAD
    @Path("{path: .*}")
    public Response head(@Context HttpServletRequest request, @Context HttpServletResponse response) {
        return endpoint.serve("httpboot", true, request, response);
    }
}
