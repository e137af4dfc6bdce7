package org.bootproxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bootproxy.core.BootproxyApplication;
import org.bootproxy.core.BootproxyConfiguration;

/**
 * The whole application for a full-app test class ({@code @ExtendWith(DropwizardExtensionsSupport.class)}),
 * set up in its static fields, and plain-HTTP helpers to talk to it:
 * <pre>
 *   private static final Path DIR = FullApp.tempDir("tftp-app");
 *   private static final DropwizardAppExtension&lt;BootproxyConfiguration&gt; APP =
 *           FullApp.extension(DIR, TestYaml.plugin("tftp", "root: " + DIR));
 *   ...
 *   FullApp.send(APP.getLocalPort(), "POST", "/tftp/PXELinux/" + mac, "pxeconfig=x");
 * </pre>
 * Everything here is usable from static initializers (no checked exceptions but the requests').
 */
public final class FullApp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private FullApp() {
    }

    /** A new directory under the system's temporary directory, its name starting with {@code prefix}. */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code dir} and its missing parents, created; for static initializers. */
    public static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code yaml} to {@code dir/bootproxy.yml} and returns the extension that starts the
     * application on that file before the class's tests and stops it after them.
     */
    public static DropwizardAppExtension<BootproxyConfiguration> extension(Path dir, String yaml) {
        Path config = dir.resolve("bootproxy.yml");
        try {
            Files.writeString(config, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DropwizardAppExtension<>(BootproxyApplication.class, config.toString());
    }

    /**
     * The command that runs the application ({@code server yaml}) in a child JVM on this test's class
     * path, so with the plugins of this build: {@code java -Xmx256m jvmOptions... -cp ...}.
     */
    public static List<String> processCommand(Path yaml, String... jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BootproxyApplication.class.getName(),
                "server", yaml.toString()));
        return cmd;
    }

    /**
     * One request to {@code http://127.0.0.1:port path}: {@code form} as an
     * {@code application/x-www-form-urlencoded} body, or no body when it is null; {@code headers}
     * as name, value pairs. Times out after 30 s.
     */
    public static HttpResponse<String> send(int port, String method, String path, String form, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        b.method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(form));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of {@code GET http://127.0.0.1:port path} read as JSON, whatever the status. */
    public static JsonNode json(int port, String path) throws IOException, InterruptedException {
        return JSON.readTree(send(port, "GET", path, null).body());
    }
}
