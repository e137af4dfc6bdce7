package org.bootproxy.tftp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.testing.FullApp;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@code %0a} in a request value never forges a line: not in the log file, not as a record of
 * {@code /logs}. The values come back escaped ({@code \x0a}).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LogInjectionAppTest {

    private static final Path DIR = FullApp.tempDir("log-injection");
    private static final Path LOG_FILE = DIR.resolve("bootproxy.log");

    private static final DropwizardAppExtension<BootproxyConfiguration> APP = FullApp.extension(DIR,
            TestYaml.plugin("tftp", """
                    root: %s
                    listen: 127.0.0.1:0
                    """.formatted(FullApp.mkdirs(DIR.resolve("tftpboot"))), """
                    server:
                      adminConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]
                      requestLog: {appenders: []}
                    logging:
                      level: INFO
                      appenders:
                        - type: file
                          currentLogFilename: %s
                          archive: false
                          logFormat: "%%-5p [%%d{ISO8601,UTC}] %%c{0}: %%m%%n"
                    """.formatted(LOG_FILE)));

    private static int post(String path, String form) throws Exception {
        return FullApp.send(APP.getLocalPort(), "POST", path, form).statusCode();
    }

    @Test
    void encodedNewlinesInRequestValues_forgeNoLine_inTheLogFileOrLogs() throws Exception {
        // (Jetty refuses a %0a in the path itself with 400 before anything logs it)
        assertThat(post("/tftp/fetch_boot_file", "prefix=boot/x&path=gopher://h/a%0aERROR%20FORGED-SCHEME"))
                .isEqualTo(400);
        assertThat(post("/tftp/fetch_boot_file", "prefix=boot/x&path=http://h%0d%0aERROR%20FORGED-HOST/vmlinuz"))
                .isEqualTo(400);

        JsonNode logs = FullApp.json(APP.getLocalPort(), "/logs").get("logs");
        int seen = 0;
        for (JsonNode record : logs) {
            String message = record.get("message").asText();
            assertThat(message).doesNotContain("\n").doesNotContain("\r");
            if (message.contains("FORGED")) {
                seen++;
                assertThat(message).contains("\\x0a");
            }
        }
        assertThat(seen).isEqualTo(2);

        List<String> lines = Files.readAllLines(LOG_FILE);
        assertThat(lines.stream().filter(l -> l.contains("FORGED"))).hasSize(2)
                .allSatisfy(l -> assertThat(l).startsWith("INFO ").contains("\\x0aERROR FORGED"));
    }
}
