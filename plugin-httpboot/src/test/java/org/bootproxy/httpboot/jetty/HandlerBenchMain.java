package org.bootproxy.httpboot.jetty;

import com.codahale.metrics.MetricRegistry;
import java.nio.file.Path;
import org.bootproxy.httpboot.api.AccessLog;
import org.bootproxy.httpboot.api.HttpBootMetrics;
import org.bootproxy.httpboot.serve.FileService;
import org.bootproxy.httpboot.serve.MappedFiles;
import org.bootproxy.httpboot.serve.RootDir;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@code HandlerBenchMain <port> <root>}: the Jetty core fast path alone on 127.0.0.1, for
 * bench/httpboot.sh's {@code FASTPATH=1} comparison (what the core would gain by wiring it).
 */
public final class HandlerBenchMain {

    private HandlerBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(Integer.parseInt(args[0]));
        server.addConnector(c);
        server.setHandler(new HttpBootHandler(new FileService(new RootDir(Path.of(args[1])),
                new MappedFiles(64, 4L << 30)), new AccessLog(new HttpBootMetrics(new MetricRegistry(), "httpboot")),
                true, false));
        server.start();
        server.join();
    }
}
