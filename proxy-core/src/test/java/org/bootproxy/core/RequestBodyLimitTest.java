package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code max_request_body} is a setting: a declared body above it is 413 before routing. */
class RequestBodyLimitTest {

    @TempDir
    static Path dir;

    @Test
    void maxRequestBody_setting_refusesLargerDeclaredBodiesWith413() throws Exception {
        String yaml = "http_port: 0\nbind_host: 127.0.0.1\nmax_request_body: 1KiB\n"
                + "plugins:\n  alpha: {enabled: true}\n" + TestApp.QUIET_LOGGING;
        try (TestApp app = TestApp.start(dir, yaml)) {
            String big = "POST /alpha HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2048\r\n"
                    + "Connection: close\r\n\r\n" + "a".repeat(2048);
            String answer = Http.raw(app.port(false), big);
            assertThat(Http.status(answer)).isEqualTo(413);
            assertThat(answer).contains("Content-Type: application/json")
                    .endsWith("Request body larger than max_request_body (1024 bytes)");
            String small = big.replace("Content-Length: 2048", "Content-Length: 1000").substring(0, big.length() - 1048);
            assertThat(Http.status(Http.raw(app.port(false), small))).isEqualTo(404); // no POST on /alpha
        }
    }
}
