package org.bootproxy.tftp.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.testing.FullApp;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Request bodies are bounded ({@code max_request_body}, by default 1 MiB): larger ones are 413, with
 * or without a Content-Length, and never reach the parser; form keys nested deeper than Rack allows
 * are 400 naming the key. The proxy keeps working after both.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RequestLimitsAppTest {

    private static final Path DIR = FullApp.tempDir("limits-app");
    private static final String MAC = "52:54:00:12:34:57";

    private static final DropwizardAppExtension<BootproxyConfiguration> APP = FullApp.extension(DIR,
            TestYaml.plugin("tftp", """
                    root: %s
                    listen: 127.0.0.1:0
                    """.formatted(FullApp.mkdirs(DIR.resolve("tftpboot")))));

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(body).build();
        return CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code pxeconfig=aaaa…} of {@code size} bytes, generated as it is sent. */
    private static InputStream form(long size) {
        return new InputStream() {
            private long sent;

            @Override
            public int read() {
                return sent < size ? (sent++ < 10 ? "pxeconfig=".charAt((int) sent - 1) : 'a') : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - sent);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) (sent + i < 10 ? "pxeconfig=".charAt((int) (sent + i)) : 'a');
                }
                sent += n;
                return n;
            }
        };
    }

    @Test
    void hundredMegabyteForm_is413_withOrWithoutContentLength_andNothingIsWritten() throws Exception {
        long size = 100L << 20;
        HttpResponse<String> sized = post("/tftp/PXELinux/" + MAC,
                HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> form(size)),
                        size));
        assertThat(sized.statusCode()).isEqualTo(413);
        assertThat(sized.body()).isEqualTo("Request body larger than max_request_body (1048576 bytes)");
        HttpResponse<String> chunked = post("/tftp/PXELinux/" + MAC,
                HttpRequest.BodyPublishers.ofInputStream(() -> form(size)));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).isEqualTo("Request body larger than max_request_body (1048576 bytes)");
        assertThat(DIR.resolve("tftpboot/pxelinux.cfg/01-52-54-00-12-34-57")).doesNotExist();
        // a body within the limit still works, on a fresh connection or a kept one
        HttpResponse<String> ok = post("/tftp/PXELinux/" + MAC,
                HttpRequest.BodyPublishers.ofInputStream(() -> form(1_000_000)));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Files.size(DIR.resolve("tftpboot/pxelinux.cfg/01-52-54-00-12-34-57"))).isEqualTo(1_000_000 - 10);
    }

    @Test
    void formKeyNestedFiftyThousandLevels_is400NamingTheKey() throws Exception {
        char[] nest = new char[3 * 50_000];
        for (int i = 0; i < nest.length; i += 3) {
            nest[i] = '[';
            nest[i + 1] = 'b';
            nest[i + 2] = ']';
        }
        String deep = "a" + new String(nest);
        // 150 KB: within the body limit
        HttpResponse<String> r = post("/tftp/PXELinux/52:54:00:12:34:58",
                HttpRequest.BodyPublishers.ofString("pxeconfig=x&" + deep + "=x", StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("Parameter a[b][b][b]").contains("nested deeper than 32 levels");
        assertThat(Arrays.asList(post("/tftp/PXELinux/52:54:00:12:34:58",
                HttpRequest.BodyPublishers.ofString("pxeconfig=x")).statusCode())).containsExactly(200);
    }
}
