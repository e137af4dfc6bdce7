package org.bootproxy.core;

import java.nio.file.Path;
import org.bootproxy.testing.TestPki;

/**
 * What the TLS tests share: a test PKI in their directory, its server certificate for
 * {@code localhost} and {@code 127.0.0.1}, and the configuration that serves the test plugins
 * {@code alpha} (both listeners) and {@code quiet} (plain HTTP only) with them.
 */
record TlsSetup(TestPki pki, TestPki.Pem server) {

    static TlsSetup create(Path dir) {
        TestPki pki = TestPki.create(dir);
        return new TlsSetup(pki, pki.server("server", TestPki.KeyFormat.RSA_PKCS8, "localhost", "127.0.0.1"));
    }

    /** {@link #yaml(String, TestPki.Pem, String)} on 127.0.0.1 with {@link #server()}. */
    String yaml(String extra) {
        return yaml("127.0.0.1", server, extra);
    }

    /**
     * HTTP and HTTPS on free ports of {@code bindHost}, {@code srv}'s certificate and key, the CA as
     * the one client certificates must come from, then {@code extra} (whole top-level YAML lines).
     */
    String yaml(String bindHost, TestPki.Pem srv, String extra) {
        return "http_port: 0\nhttps_port: 0\nbind_host: \"" + bindHost + "\"\n"
                + "ssl_certificate: " + srv.certificateFile() + "\n"
                + "ssl_private_key: " + srv.keyFile() + "\n"
                + "ssl_ca_file: " + pki.caFile() + "\n"
                + extra
                + "plugins:\n  alpha: {enabled: true}\n  quiet: {enabled: http}\n"
                + TestApp.QUIET_LOGGING;
    }
}
