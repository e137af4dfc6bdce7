package org.bootproxy.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The plugins' Jetty handlers ({@link org.bootproxy.spi.RunningPlugin#handlers()}), inserted in
 * the application context in front of the servlet handler: each is offered the request in turn,
 * and what none of them takes goes on to the servlet filters and Jersey.
 */
final class PluginHandlers extends Handler.Wrapper {

    private final List<Handler> handlers = new CopyOnWriteArrayList<>();

    void add(Handler handler) {
        handlers.add(handler);
        addBean(handler, true);
    }

    @Override
    public void setServer(org.eclipse.jetty.server.Server server) {
        super.setServer(server);
        // they are not children through setHandler, so they would not learn their server otherwise
        for (Handler h : handlers) {
            h.setServer(server);
        }
    }

    boolean isEmpty() {
        return handlers.isEmpty();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        for (Handler h : handlers) {
            if (h.handle(request, response, callback)) {
                return true;
            }
        }
        return super.handle(request, response, callback);
    }
}
