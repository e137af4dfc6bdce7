package org.bootproxy.dhcp.live;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Random;
import java.util.function.Supplier;
import org.bootproxy.dhcp.api.AddressProbe;
import org.bootproxy.dhcp.api.DhcpResource;
import org.bootproxy.dhcp.api.UnusedIpFinder;
import org.bootproxy.dhcp.backend.DhcpBackend;

/**
 * The {@code /dhcp} resource over a real backend, called in-process as Jersey would: each call
 * gives the status and body a client would see (errors are the resource's own
 * {@link WebApplicationException}s).
 */
final class InProcessApi {

    record Answer(int status, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final DhcpResource resource;

    InProcessApi(DhcpBackend backend) {
        this.resource = new DhcpResource(backend, new UnusedIpFinder(new AddressProbe.None(), InstantSource.system(),
                new Random(1)), InstantSource.system());
    }

    /** {@code POST /dhcp/<network>} with a form body. */
    Answer post(String network, String formBody) {
        return call(() -> resource.create(network, null, formBody));
    }

    Answer getMac(String network, String mac) {
        return call(() -> resource.byMac(network, mac));
    }

    Answer getIp(String network, String ip) {
        return call(() -> resource.byIp(network, ip));
    }

    Answer getSubnet(String network) {
        return call(() -> resource.subnetRecords(network));
    }

    Answer list() {
        return call(resource::subnets);
    }

    Answer deleteMac(String network, String mac) {
        return call(() -> resource.deleteByMac(network, mac));
    }

    private static Answer call(Supplier<Object> request) {
        try {
            Object r = request.get();
            if (r instanceof Response resp) {
                return new Answer(resp.getStatus(), resp.hasEntity() ? String.valueOf(resp.getEntity()) : "");
            }
            if (r instanceof StreamingOutput out) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                out.write(b);
                return new Answer(200, b.toString(StandardCharsets.UTF_8));
            }
            return new Answer(200, String.valueOf(r));
        } catch (WebApplicationException e) {
            Object entity = e.getResponse().getEntity();
            return new Answer(e.getResponse().getStatus(), entity == null ? e.getMessage() : entity.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
