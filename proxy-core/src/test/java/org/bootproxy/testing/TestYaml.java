package org.bootproxy.testing;

/** YAML pieces shared by the full-application tests. */
public final class TestYaml {

    /**
     * The tail of a test configuration: an admin connector on a free loopback port, no request
     * log, console logging at WARN (the {@code /logs} buffer still records INFO).
     */
    public static final String QUIET_SERVER = """
            server:
              adminConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]
              requestLog: {appenders: []}
            logging:
              level: INFO
              appenders: [{type: console, threshold: WARN}]
            """;

    private TestYaml() {
    }

    /**
     * A whole configuration with one plugin enabled: HTTP on a free port of 127.0.0.1, the plugin
     * {@code name} with {@code enabled: true} followed by {@code settings} (YAML lines as they would
     * stand at the plugin's own level, indented here), then {@link #QUIET_SERVER}.
     */
    public static String plugin(String name, String settings) {
        return plugin(name, settings, QUIET_SERVER);
    }

    /** As {@link #plugin(String, String)}, with {@code serverTail} (the server and logging sections) at the end. */
    public static String plugin(String name, String settings, String serverTail) {
        return plugin(0, name, settings, serverTail);
    }

    /**
     * As {@link #plugin(String, String, String)}, with HTTP on {@code httpPort} of 127.0.0.1 (0: a
     * free one), for an application whose port the test must know before it starts (a child process).
     */
    public static String plugin(int httpPort, String name, String settings, String serverTail) {
        return """
                http_port: %d
                bind_host: 127.0.0.1
                plugins:
                  %s:
                    enabled: true
                """.formatted(httpPort, name) + settings.indent(4) + serverTail;
    }

    /**
     * The tail for an application run as a child process whose output is the test's log: no request
     * log, the console at INFO, and {@code adminConnectors} (a YAML flow list; {@code []} for none).
     */
    public static String processServer(String adminConnectors) {
        return """
                server:
                  adminConnectors: %s
                  requestLog:
                    appenders: []
                logging:
                  level: INFO
                """.formatted(adminConnectors);
    }
}
