package org.bootproxy.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * The plugins' Jetty handlers ({@link org.bootproxy.spi.RunningPlugin#handlers()}), mounted at the
 * top of the server's handler tree, ahead of everything Dropwizard builds (connector routing,
 * instrumentation, gzip, the servlet context).
 *
 * <h2>Threads</h2>
 * When every plugin handler is {@linkplain Invocable.InvocationType#NON_BLOCKING non-blocking}
 * (httpboot's is: answers from kept bytes or mappings, asynchronous writes), this handler says so
 * to Jetty, which then runs it on the thread that parsed the request instead of handing each
 * request to a pool thread: for small files that hand-off (a wake-up, a context switch and
 * re-arming the selector) cost more than the answer. Requests no plugin handler takes go on to
 * Dropwizard's handlers <em>on a pool thread</em>, as Jetty would have dispatched them, because
 * servlets and Jersey block. With any blocking plugin handler, everything is dispatched and this
 * handler changes nothing about threads.
 *
 * <p>Plugin handlers see requests from the application listeners only, never the admin one; each
 * decides itself which paths, methods and listeners are its own ({@code handle} returns false for
 * the rest). On TLS listeners their requests carry the servlet API's TLS attributes, so a request
 * log format that prints the cipher suite works for them too.
 */
final class PluginHandlers extends Handler.Wrapper {

    private final List<Handler> handlers = new CopyOnWriteArrayList<>();
    private volatile boolean inline;
    private Executor pool;

    void add(Handler handler) {
        handlers.add(handler);
        addBean(handler, true);
    }

    boolean isEmpty() {
        return handlers.isEmpty();
    }

    /**
     * Puts this handler at the top of {@code server}'s tree, above the handler it has now. Call
     * while the server is starting (its handler tree is built, nothing is served yet).
     */
    void mountOn(Server server) {
        setHandler(server.getHandler());
        server.setHandler(this);
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        // they are not children through setHandler, so they would not learn their server otherwise
        for (Handler h : handlers) {
            h.setServer(server);
        }
    }

    @Override
    protected void doStart() throws Exception {
        pool = getServer().getThreadPool();
        inline = handlers.stream().allMatch(h -> h.getInvocationType() == InvocationType.NON_BLOCKING);
        super.doStart();
    }

    @Override
    public InvocationType getInvocationType() {
        return inline ? InvocationType.NON_BLOCKING : super.getInvocationType();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!inline) {
            return offer(request, response, callback) || super.handle(request, response, callback);
        }
        if (offer(request, response, callback)) {
            return true;
        }
        Handler next = getHandler();
        pool.execute(() -> {
            try {
                if (next == null || !next.handle(request, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable x) {
                Response.writeError(request, response, callback, x);
            }
        });
        return true;
    }

    /**
     * The servlet API's TLS attributes ({@code jakarta.servlet.request.cipher_suite}, ...), which
     * request log formats ({@code %reqAttribute{...}}) and servlets read: the servlet layer derives
     * them from Jetty's session data, and a request a plugin handler answers never reaches it.
     */
    private static void exposeTls(Request request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl) {
            request.setAttribute("jakarta.servlet.request.cipher_suite", ssl.cipherSuite());
            request.setAttribute("jakarta.servlet.request.key_size", ssl.keySize());
            request.setAttribute("jakarta.servlet.request.ssl_session_id", ssl.sslSessionId());
            if (ssl.peerCertificates() != null) {
                request.setAttribute("jakarta.servlet.request.X509Certificate", ssl.peerCertificates());
            }
        }
    }

    private boolean offer(Request request, Response response, Callback callback) throws Exception {
        if (BoundPorts.isAdmin(request.getConnectionMetaData().getConnector())) {
            return false;
        }
        if (request.isSecure()) {
            exposeTls(request);
        }
        for (Handler h : handlers) {
            if (h.handle(request, response, callback)) {
                return true;
            }
        }
        return false;
    }
}
