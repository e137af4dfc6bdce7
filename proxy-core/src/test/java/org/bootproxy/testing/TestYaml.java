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
        return """
                http_port: 0
                bind_host: 127.0.0.1
                plugins:
                  %s:
                    enabled: true
                """.formatted(name) + settings.indent(4) + serverTail;
    }
}
