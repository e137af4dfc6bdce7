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
}
