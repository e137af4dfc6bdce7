package org.bootproxy.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.testing.FullApp;
import org.bootproxy.testing.NetNs.Shell;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole proxy with the tftp plugin: the TFTP server starts with the plugin on
 * {@code plugins.tftp.listen}, serves {@code plugins.tftp.root} to a real client, reports its
 * health as {@code tftp.server} and its metrics as {@code tftp.*} on the admin port.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TftpServerAppTest {

    private static final Path DIR = FullApp.tempDir("tftp-server-app");
    private static final Path ROOT = DIR.resolve("tftpboot");
    private static final byte[] NBP = new byte[300_000];

    static {
        try {
            new Random(1).nextBytes(NBP);
            Files.createDirectories(ROOT.resolve("grub2"));
            Files.write(ROOT.resolve("grub2/grubx64.efi"), NBP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final DropwizardAppExtension<BootproxyConfiguration> APP = FullApp.extension(DIR,
            TestYaml.plugin("tftp", """
                    root: %s
                    listen: 127.0.0.1:0
                    max_blksize: 1468
                    max_windowsize: 16
                    timeout: 2s
                    retries: 4
                    max_transfers: 50
                    """.formatted(ROOT)));

    private static JsonNode admin(String path) throws Exception {
        return FullApp.json(APP.getAdminPort(), path);
    }

    /** The TFTP port, from the health check's message ("listening on /127.0.0.1:PORT, ..."). */
    private static int tftpPort() throws Exception {
        JsonNode hc = admin("/healthcheck").path("tftp.server");
        assertThat(hc.path("healthy").asBoolean()).as(hc.toString()).isTrue();
        Matcher m = Pattern.compile("listening on [^:]*:(\\d+)").matcher(hc.path("message").asText());
        assertThat(m.find()).as(hc.toString()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theServerRunsWithThePlugin_servesTheRoot_withConfiguredLimits() throws Exception {
        int port = tftpPort();
        Path got = DIR.resolve("got");
        Shell.Result r = Shell.run(60, "curl", "-sS", "--tftp-blksize", "8192", "tftp://127.0.0.1:" + port
                + "/grub2/grubx64.efi", "-o", got.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readAllBytes(got)).isEqualTo(NBP);

        Path got2 = DIR.resolve("got2");
        Shell.Result a = Shell.run(60, "atftp", "--option", "windowsize 64", "--option", "blksize 65000",
                "--option", "tsize 0", "--trace", "-g", "-r", "grub2/grubx64.efi", "-l", got2.toString(),
                "127.0.0.1", Integer.toString(port));
        assertThat(a.exit()).as(a.output()).isZero();
        // max_blksize and max_windowsize from the YAML cap what the client asked
        assertThat(a.output()).contains("received OACK <").contains("windowsize: 16").contains("blksize: 1468");
        assertThat(Files.readAllBytes(got2)).isEqualTo(NBP);

        JsonNode counters = admin("/metrics").path("counters");
        assertThat(counters.path("tftp.transfers.completed").path("count").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(counters.path("tftp.bytes").path("count").asLong()).isGreaterThanOrEqualTo(2L * NBP.length);
        assertThat(admin("/metrics").path("gauges").path("tftp.active").path("value").asInt()).isZero();
    }

    @Test
    void missingFile_isError1_throughTheApp() throws Exception {
        Shell.Result r = Shell.run(30, "tftp", "127.0.0.1", Integer.toString(tftpPort()), "-c", "get", "nothere",
                DIR.resolve("never").toString());
        assertThat(r.output()).contains("Error code 1: File not found");
    }
}
