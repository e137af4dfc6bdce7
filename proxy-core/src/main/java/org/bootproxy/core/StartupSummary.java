package org.bootproxy.core;

import java.util.ArrayList;
import java.util.List;
import org.bootproxy.core.plugins.PluginRuntime;
import org.bootproxy.core.plugins.PluginState;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The one line an operator reads at start-up: listeners, plugins and their states, roots. */
final class StartupSummary {

    private StartupSummary() {
    }

    static String line(Server server, PluginRuntime runtime) {
        List<String> listeners = new ArrayList<>();
        for (Connector c : server.getConnectors()) {
            if (c instanceof ServerConnector sc) {
                boolean tls = BoundPorts.isTls(sc);
                String kind = "admin".equals(sc.getName()) || String.valueOf(sc.getName()).contains("admin")
                        ? "admin" : tls ? "https" : "http";
                String host = sc.getHost() == null ? "*" : sc.getHost();
                listeners.add(kind + " " + host + ":" + sc.getLocalPort());
            }
        }
        List<String> plugins = new ArrayList<>();
        for (PluginRuntime.Entry e : runtime.all()) {
            StringBuilder sb = new StringBuilder(e.name()).append('=').append(e.state().json());
            if (e.state() == PluginState.FAILED) {
                sb.append(" (").append(e.failure()).append(')');
            } else if (e.state() == PluginState.RUNNING) {
                String d = e.running().describe();
                if (d != null && !d.isBlank()) {
                    sb.append(" [").append(d).append(']');
                }
            }
            plugins.add(sb.toString());
        }
        return "bootproxy " + BootproxyApplication.version() + " started; listeners: " + String.join(", ", listeners)
                + "; plugins: " + (plugins.isEmpty() ? "none" : String.join(", ", plugins));
    }
}
