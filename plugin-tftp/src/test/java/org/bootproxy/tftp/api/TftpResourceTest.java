package org.bootproxy.tftp.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bootproxy.tftp.fetch.BootFileFetcher;
import org.bootproxy.tftp.fetch.FetchSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every {@code /tftp} route through Jersey (in-memory container): status codes, empty success
 * bodies, the files each variant writes, and that refused requests change nothing on disk.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TftpResourceTest {

    private static final Path ROOT = tempRoot();
    private static final String MAC = "AA:bb:cc:0d:ee:ff";
    private static final BootFileFetcher FETCHER = new BootFileFetcher(ROOT,
            new FetchSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), true, 1, 4), "bootproxy/test");

    static final ResourceExtension API = ResourceExtension.builder()
            .addResource(new TftpResource(new BootConfigStore(ROOT), FETCHER, "tftp.example.com"))
            .build();

    private static Path tempRoot() {
        try {
            return Files.createTempDirectory("tftproot");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void emptyRoot() throws IOException {
        wipe(ROOT);
        Files.createDirectories(ROOT);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        FETCHER.close();
        wipe(ROOT);
    }

    private static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Every file under the root with its content: the whole stored state. */
    private static Map<String, String> tree() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(ROOT)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(ROOT.relativize(p).toString(), Files.readString(p, UTF_8));
                } else if (Files.isSymbolicLink(p)) {
                    out.put(ROOT.relativize(p).toString(), "-> symlink");
                }
            }
        }
        return out;
    }

    private static Invocation.Builder at(String path) {
        return API.target(path).request().header("Accept", "application/json");
    }

    private static Response postForm(String path, String body) {
        return at(path).post(Entity.entity(body, MediaType.APPLICATION_FORM_URLENCODED_TYPE));
    }

    private static void assertEmptyOk(Response r) {
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.readEntity(String.class)).isEmpty();
    }

    private static void assertError(Response r, int status, String body) {
        assertThat(r.getStatus()).isEqualTo(status);
        assertThat(r.readEntity(String.class)).isEqualTo(body);
    }

    // ---- per-MAC configs

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "PXELinux | pxelinux.cfg/01-aa-bb-cc-0d-ee-ff",
        "syslinux | pxelinux.cfg/01-aa-bb-cc-0d-ee-ff",
        "pxelinux | pxelinux.cfg/01-aa-bb-cc-0d-ee-ff",
        "PXEGrub2 | grub2/grub.cfg-01-aa-bb-cc-0d-ee-ff grub2/grub.cfg-aa:bb:cc:0d:ee:ff",
        "pxegrub2 | grub2/grub.cfg-01-aa-bb-cc-0d-ee-ff grub2/grub.cfg-aa:bb:cc:0d:ee:ff",
        "PXEGrub | grub/menu.lst.01AABBCC0DEEFF grub/01-AA-BB-CC-0D-EE-FF",
        "iPXE | pxelinux.cfg/01-aa-bb-cc-0d-ee-ff.ipxe",
        "IPXE | pxelinux.cfg/01-aa-bb-cc-0d-ee-ff.ipxe",
        "ZTP | ztp.cfg/AABBCC0DEEFF ztp.cfg/AABBCC0DEEFF.cfg",
        "POAP | poap.cfg/AABBCC0DEEFF",
    })
    void post_writesTheVariantsFiles_getReadsTheFirst_deleteRemovesThem(String variant, String files)
            throws IOException {
        String config = "DEFAULT linux\nLABEL linux\n  KERNEL boot/vmlinuz\n  APPEND ks=http://foreman/unattended?x=1&y=2\n";
        String body = "pxeconfig=" + java.net.URLEncoder.encode(config, UTF_8);

        assertEmptyOk(postForm("/tftp/" + variant + "/" + MAC, body));

        Map<String, String> expected = new TreeMap<>();
        for (String f : files.split(" ")) {
            expected.put(f, config);
        }
        assertThat(tree()).isEqualTo(expected);

        Response get = at("/tftp/" + variant + "/" + MAC).get();
        assertThat(get.getStatus()).isEqualTo(200);
        assertThat(get.readEntity(String.class)).isEqualTo(config);

        assertEmptyOk(at("/tftp/" + variant + "/" + MAC).delete());
        assertThat(tree()).isEmpty();
        assertThat(at("/tftp/" + variant + "/" + MAC).get().getStatus()).isEqualTo(404);
        // deleting what is not there is fine
        assertEmptyOk(at("/tftp/" + variant + "/" + MAC).delete());
    }

    @Test
    void post_foremansExactBody_withHostParametersForEveryKind() throws IOException {
        // What Foreman 3.14+ (rest-client, URI.encode_www_form) posts for each kind.
        String body = "pxeconfig=%23%21ipxe%0Achain+http%3A%2F%2Fforeman.example.com%2Funattended%2FiPXE%3Fmac%3D"
                + "aa%3Abb%3Acc%3A0d%3Aee%3Aff%0A&targetos=redhat&release=9.4&arch=x86_64&bootfile_suffix=x64";

        assertEmptyOk(postForm("/tftp/iPXE/" + MAC, body));

        assertThat(tree()).containsExactly(Map.entry("pxelinux.cfg/01-aa-bb-cc-0d-ee-ff.ipxe",
                "#!ipxe\nchain http://foreman.example.com/unattended/iPXE?mac=aa:bb:cc:0d:ee:ff\n"));
    }

    @Test
    void post_acceptsLegacySyslinuxConfigAndQueryParameters() throws IOException {
        assertEmptyOk(postForm("/tftp/PXELinux/" + MAC, "syslinux_config=legacy"));
        assertThat(tree()).containsEntry("pxelinux.cfg/01-aa-bb-cc-0d-ee-ff", "legacy");

        assertEmptyOk(API.target("/tftp/PXELinux/" + MAC).queryParam("pxeconfig", "from query").request()
                .post(Entity.text("")));
        assertThat(tree()).containsEntry("pxelinux.cfg/01-aa-bb-cc-0d-ee-ff", "from query");

        // a body parameter overrides the query's, pxeconfig wins over syslinux_config
        assertEmptyOk(API.target("/tftp/PXELinux/" + MAC).queryParam("pxeconfig", "q").request()
                .post(Entity.form(new jakarta.ws.rs.core.Form("pxeconfig", "b").param("syslinux_config", "s"))));
        assertThat(tree()).containsEntry("pxelinux.cfg/01-aa-bb-cc-0d-ee-ff", "b");
    }

    @Test
    void post_missingPxeconfig_is400AndKeepsTheStoredFile() throws IOException {
        assertEmptyOk(postForm("/tftp/PXELinux/" + MAC, "pxeconfig=kept"));
        Map<String, String> before = tree();

        assertError(postForm("/tftp/PXELinux/" + MAC, "targetos=redhat"), 400,
                "TFTP: Failed to create pxe config file: missing parameter pxeconfig for aa:bb:cc:0d:ee:ff");
        assertThat(postForm("/tftp/PXELinux/" + MAC, "").getStatus()).isEqualTo(400);
        assertThat(postForm("/tftp/PXELinux/" + MAC, "pxeconfig[]=x").getStatus()).isEqualTo(400);

        assertThat(tree()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aa:bb:cc:dd:ee", "aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:fg", "aabbccddeeff",
        "aa:bb:cc:dd:ee:ff:00", "aaa:bb:cc:dd:ee:ff", "create", "%20aa:bb:cc:dd:ee:ff"})
    void badMac_is403NamingItAndChangesNothing(String mac) throws IOException {
        assertEmptyOk(postForm("/tftp/PXELinux/" + MAC, "pxeconfig=kept"));
        Map<String, String> before = tree();
        String shown = java.net.URLDecoder.decode(mac, UTF_8);

        assertError(postForm("/tftp/PXELinux/" + mac, "pxeconfig=x"), 403, "Invalid MAC address: " + shown);
        assertError(at("/tftp/PXELinux/" + mac).delete(), 403, "Invalid MAC address: " + shown);
        assertError(at("/tftp/PXELinux/" + mac).get(), 403, "Invalid MAC address: " + shown);
        assertError(postForm("/tftp/" + mac, "pxeconfig=x"), 403, "Invalid MAC address: " + shown);
        assertError(at("/tftp/" + mac).delete(), 403, "Invalid MAC address: " + shown);
        // the MAC is checked before the variant, as upstream does
        assertError(postForm("/tftp/nope/" + mac, "pxeconfig=x"), 403, "Invalid MAC address: " + shown);

        assertThat(tree()).isEqualTo(before);
    }

    @Test
    void hostParametersThatArePaths_are400AndChangeNothing() throws IOException {
        Files.createDirectories(ROOT.resolve("grub2"));
        Files.writeString(ROOT.resolve("grub2/grubx64.efi"), "grub");
        Map<String, String> before = tree();

        assertError(postForm("/tftp/PXEGrub2/" + MAC,
                        "pxeconfig=x&targetos=..&release=9.4&arch=x86_64&bootfile_suffix=x64"), 400,
                "TFTP: Failed to create pxe config file: Invalid targetos: ..");
        assertError(postForm("/tftp/PXEGrub2/" + MAC,
                        "pxeconfig=x&targetos=redhat&release=9.4&arch=x86_64&bootfile_suffix=%2F..%2F..%2Fx"), 400,
                "TFTP: Failed to create pxe config file: Invalid bootfile_suffix: /../../x");

        assertThat(tree()).isEqualTo(before);
    }

    @Test
    void infinibandMac_isAccepted() throws IOException {
        String ib = "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0b:8f:53";

        assertEmptyOk(postForm("/tftp/PXELinux/" + ib, "pxeconfig=ib"));

        assertThat(tree()).containsOnlyKeys("pxelinux.cfg/01-80-00-02-08-fe-80-00-00-00-00-00-00-00-02-c9-03-00-0b-8f-53");
    }

    @Test
    void unknownVariant_is403NamingItAndChangesNothing() throws IOException {
        assertEmptyOk(postForm("/tftp/create_default", "menu=kept"));
        Map<String, String> before = tree();

        assertError(postForm("/tftp/elilo/" + MAC, "pxeconfig=x"), 403, "Unrecognized pxeboot config type: elilo");
        assertError(at("/tftp/elilo/" + MAC).get(), 403, "Unrecognized pxeboot config type: elilo");
        assertError(at("/tftp/elilo/" + MAC).delete(), 403, "Unrecognized pxeboot config type: elilo");
        assertError(postForm("/tftp/PXEGrub3/create_default", "menu=x"), 403,
                "Unrecognized pxeboot config type: PXEGrub3");

        assertThat(tree()).isEqualTo(before);
    }

    // ---- default menus

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "PXELinux | pxelinux.cfg/default",
        "syslinux | pxelinux.cfg/default",
        "PXEGrub2 | grub2/grub.cfg",
        "PXEGrub | grub/menu.lst grub/efidefault",
        "iPXE | pxelinux.cfg/default.ipxe",
        "ZTP | ztp.cfg/default",
        "POAP | poap.cfg/default",
    })
    void createDefault_writesTheVariantsMenuFiles(String variant, String files) throws IOException {
        assertEmptyOk(postForm("/tftp/" + variant + "/create_default", "menu=the+menu%0A"));

        Map<String, String> expected = new TreeMap<>();
        for (String f : files.split(" ")) {
            expected.put(f, "the menu\n");
        }
        assertThat(tree()).isEqualTo(expected);
    }

    @Test
    void createDefault_missingMenu_is400AndKeepsTheStoredMenu() throws IOException {
        assertEmptyOk(postForm("/tftp/PXEGrub2/create_default", "menu=kept"));

        assertError(postForm("/tftp/PXEGrub2/create_default", "pxeconfig=x"), 400,
                "TFTP: Failed to create PXE default file: missing parameter menu");
        assertError(postForm("/tftp/create_default", ""), 400,
                "TFTP: Failed to create PXE default file: missing parameter menu");

        assertThat(tree()).containsExactly(Map.entry("grub2/grub.cfg", "kept"));
    }

    /**
     * Foreman's DHCP filename for Junos/NX-OS is {@code ztp.cfg/<MAC>} / {@code poap.cfg/<MAC>}:
     * the per-MAC configs and the default live in one directory, so both work in either order
     * (the default used to be a file of the directory's name: whichever came second was a 400).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ZTP | ztp.cfg | AABBCC0DEEFF AABBCC0DEEFF.cfg",
        "POAP | poap.cfg | AABBCC0DEEFF",
    })
    void ztpAndPoap_defaultAndPerMacConfigs_workInEitherOrder(String variant, String dir, String perMac)
            throws IOException {
        assertEmptyOk(postForm("/tftp/" + variant + "/" + MAC, "pxeconfig=host"));
        assertEmptyOk(postForm("/tftp/" + variant + "/create_default", "menu=menu"));
        assertEmptyOk(postForm("/tftp/" + variant + "/" + MAC, "pxeconfig=host2"));
        assertEmptyOk(postForm("/tftp/" + variant + "/create_default", "menu=menu2"));

        Map<String, String> expected = new TreeMap<>();
        expected.put(dir + "/default", "menu2");
        for (String f : perMac.split(" ")) {
            expected.put(dir + "/" + f, "host2");
        }
        assertThat(tree()).isEqualTo(expected);
        Response get = at("/tftp/" + variant + "/" + MAC).get();
        assertThat(get.getStatus()).isEqualTo(200);
        assertThat(get.readEntity(String.class)).isEqualTo("host2");

        assertEmptyOk(at("/tftp/" + variant + "/" + MAC).delete());
        assertThat(tree()).isEqualTo(Map.of(dir + "/default", "menu2"));
    }

    // ---- legacy routes (variant syslinux)

    @Test
    void legacyRoutes_useSyslinux() throws IOException {
        assertEmptyOk(postForm("/tftp/create_default", "menu=legacy+menu"));
        assertEmptyOk(postForm("/tftp/" + MAC, "pxeconfig=legacy+host"));

        assertThat(tree()).isEqualTo(Map.of(
                "pxelinux.cfg/default", "legacy menu",
                "pxelinux.cfg/01-aa-bb-cc-0d-ee-ff", "legacy host"));

        assertEmptyOk(at("/tftp/" + MAC).delete());
        assertThat(tree()).isEqualTo(Map.of("pxelinux.cfg/default", "legacy menu"));
    }

    // ---- refused paths

    @Test
    void symlinkedConfigDirectory_isRefusedAndTheLinkTargetUntouched() throws IOException {
        Path outside = Files.createTempDirectory("outside");
        try {
            Files.createSymbolicLink(ROOT.resolve("pxelinux.cfg"), outside);

            Response r = postForm("/tftp/PXELinux/" + MAC, "pxeconfig=x");

            assertThat(r.getStatus()).isEqualTo(400);
            assertThat(r.readEntity(String.class)).contains("pxelinux.cfg/01-aa-bb-cc-0d-ee-ff").contains("symbolic link");
            assertThat(outside).isEmptyDirectory();
            assertThat(at("/tftp/PXELinux/" + MAC).delete().getStatus()).isEqualTo(400);
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    // ---- serverName, fetch_boot_file

    @Test
    void serverName_isJson() {
        Response r = at("/tftp/serverName").get();

        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE)).isTrue();
        assertThat(r.readEntity(String.class)).isEqualTo("{\"serverName\":\"tftp.example.com\"}");
    }

    @Test
    void serverName_isEmptyWhenNotConfigured() {
        TftpResource unnamed = new TftpResource(new BootConfigStore(ROOT), FETCHER, null);

        Response r = unnamed.serverName();

        assertThat(r.getEntity()).isEqualTo(Map.of("serverName", ""));
    }

    @Test
    void fetchBootFile_refusals() throws IOException {
        assertError(postForm("/tftp/fetch_boot_file", "path=http%3A%2F%2F192.0.2.1%2Fvmlinuz"), 400,
                "fetch_boot_file: missing parameter prefix");
        assertError(postForm("/tftp/fetch_boot_file", "prefix=boot%2Fx"), 400,
                "fetch_boot_file: missing parameter path");
        assertError(postForm("/tftp/fetch_boot_file", "prefix=boot%2Fx&path=tftp%3A%2F%2F192.0.2.1%2Fvmlinuz"), 400,
                "fetch_boot_file: unsupported URL scheme 'tftp' in tftp://192.0.2.1/vmlinuz (http, https, ftp and nfs are)");
        Response outside = postForm("/tftp/fetch_boot_file", "prefix=..%2F..%2Fetc%2Fx&path=http%3A%2F%2F192.0.2.1%2Fvmlinuz");
        assertThat(outside.getStatus()).isEqualTo(400);
        assertThat(outside.readEntity(String.class)).contains("../../etc/x-vmlinuz");

        assertThat(tree()).isEmpty();
    }

    @Test
    void fetchBootFile_nfsIsAcceptedWithEmptyBody() throws IOException {
        assertEmptyOk(postForm("/tftp/fetch_boot_file",
                "prefix=boot%2Fnfs-medium&path=nfs%3A%2F%2F192.0.2.1%3A%2Fsrv%2Fimages%2Fpxeboot%2Fvmlinuz"));

        assertThat(tree()).isEmpty();
    }

    @Test
    void unknownRoute_isNotAConfig() {
        assertThat(at("/tftp/PXELinux/" + MAC + "/extra").get().getStatus()).isEqualTo(404);
        assertThat(List.of(404, 405)).contains(at("/tftp/" + MAC).get().getStatus());
    }
}
