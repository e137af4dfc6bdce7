package org.bootproxy.httpboot.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET}/{@code HEAD /httpboot/<path>} and {@code /EFI/<path>}: the file
 * {@code <root_dir>/<path>} (so firmware asking for {@code /EFI/BOOT/BOOTX64.EFI} gets
 * {@code <root_dir>/BOOT/BOOTX64.EFI}). Public: firmware has no client certificate. The path is
 * read raw from the request, not from Jersey's match. GET and HEAD normally reach the plugin's
 * Jetty handler first; this resource answers what that handler declines.
 */
@Path("/{mount: httpboot|EFI}")
public final class BootFileResource {

    private final FileEndpoint endpoint;

    public BootFileResource(FileEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @GET
    public Response getRoot(@PathParam("mount") String mount, @Context HttpServletRequest request,
                            @Context HttpServletResponse response) {
        return endpoint.serve(mount, false, request, response);
    }

    @HEAD
    public Response headRoot(@PathParam("mount") String mount, @Context HttpServletRequest request,
                             @Context HttpServletResponse response) {
        return endpoint.serve(mount, true, request, response);
    }

    @GET
    @Path("{path: .*}")
    public Response get(@PathParam("mount") String mount, @Context HttpServletRequest request,
                        @Context HttpServletResponse response) {
        return endpoint.serve(mount, false, request, response);
    }

    @HEAD
    @Path("{path: .*}")
    public Response head(@PathParam("mount") String mount, @Context HttpServletRequest request,
                         @Context HttpServletResponse response) {
        return endpoint.serve(mount, true, request, response);
    }
}
