package org.bootproxy.tftp.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.testing.FullApp;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole proxy with the tftp plugin, driven by curl the way Foreman drives it: exact request
 * bodies, empty 200 answers, fetch_boot_file outcomes visible in {@code /logs}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TftpApiAppTest {

    private static final Path DIR = FullApp.tempDir("tftp-app");
    private static final Path ROOT = FullApp.mkdirs(DIR.resolve("tftpboot"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC = "52:54:00:12:34:56";
    private static final byte[] KERNEL = "vmlinuz-bytes-".repeat(3000).getBytes(UTF_8);

    private static final DropwizardAppExtension<BootproxyConfiguration> APP = FullApp.extension(DIR,
            TestYaml.plugin("tftp", """
                    root: %s
                    listen: 127.0.0.1:0
                    tftp_servername: tftp.example.com
                    download_timeout: 20s
                    fetch_allowed_networks: [127.0.0.0/8]
                    """.formatted(ROOT)));

    private static HttpServer mirror;

    @BeforeAll
    static void startMirror() throws IOException {
        mirror = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        mirror.createContext("/images/pxeboot/vmlinuz", ex -> {
            ex.getResponseHeaders().add("Last-Modified", "Mon, 02 Mar 2026 10:00:00 GMT");
            ex.sendResponseHeaders(200, KERNEL.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(KERNEL);
            }
        });
        mirror.createContext("/images/pxeboot/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        mirror.start();
    }

    @AfterAll
    static void stopMirror() throws IOException {
        mirror.stop(0);
        try (var s = Files.walk(DIR)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Status and body of one curl request. */
    record Answer(int status, String body) {
    }

    private static Answer curl(String method, String path, String form) throws Exception {
        Path out = Files.createTempFile(DIR, "body", "");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-o", out.toString(), "-w", "%{http_code}",
                "-X", method, "-H", "Accept: application/json", "-H", "X-Request-Id: app-test"));
        if (form != null) {
            cmd.addAll(List.of("--data-raw", form));
        }
        cmd.add("http://127.0.0.1:" + APP.getLocalPort() + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String code = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl " + code).isZero();
        String body = Files.readString(out);
        Files.delete(out);
        return new Answer(Integer.parseInt(code.trim()), body);
    }

    @Test
    void foremanBuildsAHost_everyKindThenDestroysIt() throws Exception {
        String pxeconfig = "pxeconfig=set+default%3D0%0Amenuentry+%27Install%27+%7B%0A++linux+boot%2Fvmlinuz%0A%7D%0A"
                + "&targetos=redhat&release=9.4&arch=x86_64&bootfile_suffix=x64";
        Files.createDirectories(ROOT.resolve("grub2"));
        Files.writeString(ROOT.resolve("grub2/grubx64.efi"), "grub");
        for (String kind : List.of("PXELinux", "PXEGrub2", "PXEGrub", "iPXE")) {
            Answer a = curl("POST", "/tftp/" + kind + "/" + MAC, pxeconfig);
            assertThat(a).isEqualTo(new Answer(200, ""));
        }
        String cfg = "set default=0\nmenuentry 'Install' {\n  linux boot/vmlinuz\n}\n";
        assertThat(ROOT.resolve("pxelinux.cfg/01-52-54-00-12-34-56")).hasContent(cfg);
        assertThat(ROOT.resolve("grub2/grub.cfg-01-52-54-00-12-34-56")).hasContent(cfg);
        assertThat(ROOT.resolve("grub2/grub.cfg-52:54:00:12:34:56")).hasContent(cfg);
        assertThat(ROOT.resolve("grub/menu.lst.01525400123456")).hasContent(cfg);
        assertThat(ROOT.resolve("pxelinux.cfg/01-52-54-00-12-34-56.ipxe")).hasContent(cfg);
        assertThat(ROOT.resolve("host-config/52-54-00-12-34-56/grub2/grub.cfg")).hasContent(cfg);
        assertThat(Files.isSameFile(ROOT.resolve("host-config/52-54-00-12-34-56/grub2/boot.efi"),
                ROOT.resolve("grub2/grubx64.efi"))).isTrue();

        assertThat(curl("GET", "/tftp/PXEGrub2/" + MAC, null)).isEqualTo(new Answer(200, cfg));

        for (String kind : List.of("PXELinux", "PXEGrub2", "PXEGrub", "iPXE")) {
            assertThat(curl("DELETE", "/tftp/" + kind + "/" + MAC, null)).isEqualTo(new Answer(200, ""));
        }
        assertThat(ROOT.resolve("pxelinux.cfg/01-52-54-00-12-34-56")).doesNotExist();
        assertThat(ROOT.resolve("host-config/52-54-00-12-34-56")).doesNotExist();
        assertThat(curl("GET", "/tftp/PXEGrub2/" + MAC, null).status()).isEqualTo(404);
    }

    @Test
    void errorsCarryUpstreamStatusesAndNameTheValue() throws Exception {
        assertThat(curl("POST", "/tftp/PXELinux/52-54-00-12-34-56", "pxeconfig=x"))
                .isEqualTo(new Answer(403, "Invalid MAC address: 52-54-00-12-34-56"));
        assertThat(curl("POST", "/tftp/elilo/" + MAC, "pxeconfig=x"))
                .isEqualTo(new Answer(403, "Unrecognized pxeboot config type: elilo"));
        assertThat(curl("POST", "/tftp/PXELinux/create_default", "foo=bar").status()).isEqualTo(400);
        assertThat(curl("POST", "/tftp/PXELinux/" + MAC, "targetos=redhat").status()).isEqualTo(400);
        assertThat(curl("GET", "/tftp/PXELinux/" + MAC + "/extra", null))
                .isEqualTo(new Answer(404, "Requested url was not found"));
    }

    @Test
    void serverNameAndExposedSetting() throws Exception {
        assertThat(curl("GET", "/tftp/serverName", null))
                .isEqualTo(new Answer(200, "{\"serverName\":\"tftp.example.com\"}"));

        JsonNode tftp = JSON.readTree(curl("GET", "/v2/features", null).body()).get("tftp");
        assertThat(tftp.get("state").asText()).isEqualTo("running");
        assertThat(tftp.get("settings").get("tftp_servername").asText()).isEqualTo("tftp.example.com");
    }

    @Test
    void fetchBootFile_answersAtOnceAndReportsEachOutcomeInLogs() throws Exception {
        double since = System.currentTimeMillis() / 1000.0 - 1;
        String base = "http%3A%2F%2F127.0.0.1%3A" + mirror.getAddress().getPort() + "%2Fimages%2Fpxeboot%2F";

        assertThat(curl("POST", "/tftp/fetch_boot_file", "prefix=boot%2Fcentos-mirror-7Xyz&path=" + base + "vmlinuz"))
                .isEqualTo(new Answer(200, ""));
        assertThat(curl("POST", "/tftp/fetch_boot_file", "prefix=boot%2Fcentos-mirror-7Xyz&path=" + base + "missing"))
                .isEqualTo(new Answer(200, ""));
        assertThat(curl("POST", "/tftp/fetch_boot_file", "prefix=boot%2Fx&path=gopher%3A%2F%2F192.0.2.1%2Fvmlinuz")
                .status()).isEqualTo(400);

        Path kernel = ROOT.resolve("boot/centos-mirror-7Xyz-vmlinuz");
        String done = null;
        String failed = null;
        for (int i = 0; i < 200 && (done == null || failed == null); i++) {
            for (JsonNode line : JSON.readTree(curl("GET", "/logs?from_timestamp=" + since, null).body()).get("logs")) {
                String m = line.get("message").asText();
                if (m.contains("fetch_boot_file") && m.contains("centos-mirror-7Xyz-vmlinuz: done")) {
                    done = line.get("level").asText() + " " + m + " request_id=" + line.path("request_id").asText();
                }
                if (m.contains("fetch_boot_file") && m.contains("centos-mirror-7Xyz-missing: failed")) {
                    failed = line.get("level").asText() + " " + m;
                }
            }
            Thread.sleep(50);
        }
        assertThat(done).startsWith("INFO ").contains(KERNEL.length + " bytes").endsWith("request_id=app-test");
        assertThat(failed).startsWith("WARN ").contains("HTTP 404");
        assertThat(kernel).hasBinaryContent(KERNEL);
        assertThat(ROOT.resolve("boot/centos-mirror-7Xyz-missing")).doesNotExist();
        assertThat(Files.getLastModifiedTime(kernel).toInstant().toString()).isEqualTo("2026-03-02T10:00:00Z");
    }
}
