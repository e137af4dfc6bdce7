package org.bootproxy.core;

import io.dropwizard.lifecycle.ServerLifecycleListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;

/** The ports the application listeners were bound to, known once Jetty has started (port 0 in tests). */
final class BoundPorts implements ServerLifecycleListener {

    private volatile int http = -1;
    private volatile int https = -1;

    @Override
    public void serverStarted(Server server) {
        for (Connector c : server.getConnectors()) {
            if (c instanceof ServerConnector sc && !String.valueOf(sc.getName()).contains("admin")) {
                if (sc.getConnectionFactory(SslConnectionFactory.class) != null) {
                    https = sc.getLocalPort();
                } else {
                    http = sc.getLocalPort();
                }
            }
        }
    }

    int http() {
        return http;
    }

    int https() {
        return https;
    }
}
