package org.bootproxy.core;

import io.dropwizard.lifecycle.ServerLifecycleListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The ports the application listeners were bound to, known once Jetty has started (port 0 in tests). */
final class BoundPorts implements ServerLifecycleListener {

    private volatile int http = -1;
    private volatile int https = -1;

    @Override
    public void serverStarted(Server server) {
        for (Connector c : server.getConnectors()) {
            if (c instanceof ServerConnector sc && !isAdmin(sc)) {
                if (isTls(sc)) {
                    https = sc.getLocalPort();
                } else {
                    http = sc.getLocalPort();
                }
            }
        }
    }

    /** Whether a connector is one of Dropwizard's admin connectors (they are named so). */
    static boolean isAdmin(Connector c) {
        return c != null && String.valueOf(c.getName()).contains("admin");
    }

    /** Whether a connector speaks TLS (Dropwizard wraps the SSL factory, so look at the protocols). */
    static boolean isTls(ServerConnector sc) {
        return sc.getProtocols().stream().anyMatch(p -> p.equalsIgnoreCase("ssl"));
    }

    int http() {
        return http;
    }

    int https() {
        return https;
    }
}
