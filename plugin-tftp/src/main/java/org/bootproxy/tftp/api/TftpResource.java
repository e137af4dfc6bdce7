package org.bootproxy.tftp.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bootproxy.spi.api.ApiErrors;
import org.bootproxy.spi.api.RackParams;
import org.bootproxy.spi.net.MacAddress;
import org.bootproxy.tftp.fetch.BootFileFetcher;
import org.bootproxy.tftp.fetch.FetchRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bootproxy.spi.log.LogSafe;

/**
 * Foreman's {@code /tftp} API (API.md, "TFTP plugin"). Parameters follow Rack: query string and
 * form body, route parameters winning. Success is 200 with an empty body; errors are plain-text
 * messages naming the bad value, with upstream's status codes: 403 for a bad MAC or variant, 400
 * for a missing parameter or a refused path, 404 for a missing config.
 *
 * <p>Thread-safe: no state besides its collaborators, which are thread-safe.
 */
@Path("/tftp")
public final class TftpResource {

    private static final Logger LOG = LoggerFactory.getLogger(TftpResource.class);

    /** 6 (Ethernet) or 20 (InfiniBand) colon-separated octets, as upstream's {@code valid_mac?}. */
    private static final Pattern MAC = Pattern.compile(
            "(?:[0-9A-Fa-f]{1,2}:){5}[0-9A-Fa-f]{1,2}|(?:[0-9A-Fa-f]{1,2}:){19}[0-9A-Fa-f]{1,2}");

    private final BootConfigStore store;
    private final BootFileFetcher fetcher;
    private final String serverName;

    /**
     * @param store the boot configs under the TFTP root
     * @param fetcher fetch_boot_file's downloader
     * @param serverName {@code tftp_servername}, or null
     */
    public TftpResource(BootConfigStore store, BootFileFetcher fetcher, String serverName) {
        this.store = store;
        this.fetcher = fetcher;
        this.serverName = serverName;
    }

    // ---- fixed routes (matched before the templates: JAX-RS prefers literal segments)

    @GET
    @Path("serverName")
    public Response serverName() {
        return Response.ok(Map.of("serverName", serverName == null ? "" : serverName), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    @POST
    @Path("fetch_boot_file")
    @Consumes(MediaType.WILDCARD)
    public Response fetchBootFile(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
        RackParams p = params(uri, headers, body);
        try {
            fetcher.submit(p.string("prefix"), p.string("path"));
        } catch (FetchRefusedException e) {
            LOG.info("TFTP: fetch_boot_file refused: {}", LogSafe.escape(e.getMessage()));
            throw ApiErrors.error(e.status(), e.getMessage());
        }
        return Response.ok().build();
    }

    @POST
    @Path("create_default")
    @Consumes(MediaType.WILDCARD)
    public Response createDefaultLegacy(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
        return createDefault(Variant.PXELINUX, params(uri, headers, body));
    }

    @POST
    @Path("{mac}")
    @Consumes(MediaType.WILDCARD)
    public Response createLegacy(@PathParam("mac") String mac, @Context UriInfo uri, @Context HttpHeaders headers,
                                 byte[] body) {
        MacAddress m = mac(mac);
        return create(Variant.PXELINUX, m, params(uri, headers, body).withRoute("mac", mac));
    }

    @DELETE
    @Path("{mac}")
    public Response deleteLegacy(@PathParam("mac") String mac) {
        return delete(Variant.PXELINUX, mac(mac));
    }

    // ---- /tftp/<variant>/...

    @POST
    @Path("{variant}/create_default")
    @Consumes(MediaType.WILDCARD)
    public Response createDefault(@PathParam("variant") String variant, @Context UriInfo uri,
                                  @Context HttpHeaders headers, byte[] body) {
        return createDefault(variant(variant), params(uri, headers, body));
    }

    @GET
    @Path("{variant}/{mac}")
    public Response get(@PathParam("variant") String variant, @PathParam("mac") String mac) {
        MacAddress m = mac(mac);
        Variant v = variant(variant);
        Optional<byte[]> config;
        try {
            config = store.read(v, m);
        } catch (IOException e) {
            LOG.warn("TFTP: cannot read {} config for {}: {}", v, m, e.toString());
            throw ApiErrors.error(500, "TFTP: Failed to read pxe config file for " + m + ": " + e.getMessage());
        }
        return config
                .map(bytes -> Response.ok(bytes, MediaType.TEXT_PLAIN_TYPE).build())
                .orElseThrow(() -> ApiErrors.notFound("TFTP: no " + v + " config file for " + m));
    }

    @POST
    @Path("{variant}/{mac}")
    @Consumes(MediaType.WILDCARD)
    public Response create(@PathParam("variant") String variant, @PathParam("mac") String mac,
                           @Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
        MacAddress m = mac(mac);
        Variant v = variant(variant);
        return create(v, m, params(uri, headers, body).withRoute("variant", variant).withRoute("mac", mac));
    }

    @DELETE
    @Path("{variant}/{mac}")
    public Response delete(@PathParam("variant") String variant, @PathParam("mac") String mac) {
        MacAddress m = mac(mac);
        return delete(variant(variant), m);
    }

    // ---- the work

    private Response create(Variant v, MacAddress mac, RackParams p) {
        String config = p.has("pxeconfig") ? p.string("pxeconfig") : p.string("syslinux_config");
        if (config == null) {
            throw refused(400, "TFTP: Failed to create pxe config file: missing parameter pxeconfig for " + mac);
        }
        Optional<HostBootloader> host;
        try {
            host = HostBootloader.of(p.string("targetos"), p.string("release"), p.string("arch"),
                    p.string("bootfile_suffix"));
        } catch (IllegalArgumentException e) {
            throw refused(400, "TFTP: Failed to create pxe config file: " + e.getMessage());
        }
        try {
            store.write(v, mac, config.getBytes(StandardCharsets.UTF_8), host);
        } catch (ConfigRefusedException e) {
            throw refused(400, "TFTP: Failed to create pxe config file: " + e.getMessage());
        } catch (IOException e) {
            LOG.error("TFTP: cannot write {} config for {}: {}", v, mac, e.toString());
            throw ApiErrors.error(500, "TFTP: Failed to create pxe config file for " + mac + ": " + e);
        }
        return Response.ok().build();
    }

    private Response createDefault(Variant v, RackParams p) {
        String menu = p.string("menu");
        if (menu == null) {
            throw refused(400, "TFTP: Failed to create PXE default file: missing parameter menu");
        }
        try {
            store.writeDefault(v, menu.getBytes(StandardCharsets.UTF_8));
        } catch (ConfigRefusedException e) {
            throw refused(400, "TFTP: Failed to create PXE default file: " + e.getMessage());
        } catch (IOException e) {
            LOG.error("TFTP: cannot write {} default menu: {}", v, e.toString());
            throw ApiErrors.error(500, "TFTP: Failed to create PXE default file: " + e);
        }
        return Response.ok().build();
    }

    private Response delete(Variant v, MacAddress mac) {
        try {
            store.delete(v, mac);
        } catch (ConfigRefusedException e) {
            throw refused(400, "TFTP: Failed to delete pxe config file: " + e.getMessage());
        } catch (IOException e) {
            LOG.error("TFTP: cannot delete {} config for {}: {}", v, mac, e.toString());
            throw ApiErrors.error(500, "TFTP: Failed to delete pxe config file for " + mac + ": " + e);
        }
        return Response.ok().build();
    }

    // ---- parameters

    private static MacAddress mac(String text) {
        if (text == null || !MAC.matcher(text).matches()) {
            throw refused(403, "Invalid MAC address: " + text);
        }
        return MacAddress.parse(text);
    }

    private static Variant variant(String text) {
        return Variant.parse(text).orElseThrow(() -> refused(403, "Unrecognized pxeboot config type: " + text));
    }

    /**
     * Query string and form body with Rack semantics. A body is read as a form unless it declares
     * another type (Foreman always sends {@code application/x-www-form-urlencoded}).
     */
    private static RackParams params(UriInfo uri, HttpHeaders headers, byte[] body) {
        MediaType type = headers.getMediaType();
        boolean form = type == null || type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        String text = form && body != null && body.length > 0 ? new String(body, StandardCharsets.UTF_8) : null;
        return RackParams.parse(uri.getRequestUri().getRawQuery(), text);
    }

    private static WebApplicationException refused(int status, String message) {
        LOG.info("TFTP: request refused ({}): {}", status, LogSafe.escape(message));
        return ApiErrors.error(status, message);
    }
}
