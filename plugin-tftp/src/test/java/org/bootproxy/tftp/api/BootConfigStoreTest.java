package org.bootproxy.tftp.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.bootproxy.spi.net.MacAddress;
import org.bootproxy.testing.SymlinkSwapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config store on a real file system: atomic replacement and the PXEGrub2 host directory. */
class BootConfigStoreTest {

    private static final MacAddress MAC = MacAddress.parse("aa:bb:cc:dd:ee:ff");
    private static final String HOST_DIR = "host-config/aa-bb-cc-dd-ee-ff/grub2";
    private static final Optional<HostBootloader> REDHAT_94 =
            Optional.of(new HostBootloader("redhat", "9.4", "x86_64", "x64"));

    @TempDir
    Path root;

    private BootConfigStore store() {
        return new BootConfigStore(root);
    }

    private Path put(String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, US_ASCII);
        return p;
    }

    private List<String> names(String rel) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve(rel))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Object inode(Path p) throws IOException {
        return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
    }

    private void assertHardLink(String linkRel, Path source) throws IOException {
        Path link = root.resolve(linkRel);
        assertThat(Files.isSymbolicLink(link)).as(linkRel + " is not a symlink").isFalse();
        assertThat(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(inode(link)).as(linkRel + " is the same inode as " + source).isEqualTo(inode(source));
    }

    @Test
    void rewrite_readerNeverSeesAPartialFile() throws Exception {
        BootConfigStore store = store();
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[96 * 1024 + 7];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        store.write(Variant.PXELINUX, MAC, a, Optional.empty());
        Path file = root.resolve("pxelinux.cfg/01-aa-bb-cc-dd-ee-ff");

        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<String> bad = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get() && bad.get() == null) {
                try {
                    byte[] seen = Files.readAllBytes(file);
                    reads.incrementAndGet();
                    if (!Arrays.equals(seen, a) && !Arrays.equals(seen, b)) {
                        bad.set("partial content: " + seen.length + " bytes");
                    }
                } catch (NoSuchFileException e) {
                    bad.set("file missing during a rewrite");
                } catch (IOException e) {
                    bad.set(e.toString());
                }
            }
        });
        reader.start();
        for (int i = 0; i < 120 && bad.get() == null; i++) {
            store.write(Variant.PXELINUX, MAC, i % 2 == 0 ? b : a, Optional.empty());
        }
        done.set(true);
        reader.join();

        assertThat(bad.get()).isNull();
        assertThat(reads.get()).isPositive();
        assertThat(names("pxelinux.cfg")).containsExactly("01-aa-bb-cc-dd-ee-ff"); // no temp file left
    }

    @Test
    void hostConfig_fromGrub2Directory_hardLinksLoadersUnderBothNames() throws Exception {
        Path grub = put("grub2/grubx64.efi", "grub binary");
        Path shim = put("grub2/shimx64.efi", "shim binary");

        List<String> written = store().write(Variant.PXEGRUB2, MAC, "cfg".getBytes(US_ASCII), REDHAT_94);

        assertThat(names(HOST_DIR)).containsExactly("boot-sb.efi", "boot.efi", "grub.cfg",
                "grub.cfg-01-aa-bb-cc-dd-ee-ff", "grub.cfg-aa:bb:cc:dd:ee:ff", "grubx64.efi", "shimx64.efi");
        assertHardLink(HOST_DIR + "/boot.efi", grub);
        assertHardLink(HOST_DIR + "/grubx64.efi", grub);
        assertHardLink(HOST_DIR + "/boot-sb.efi", shim);
        assertHardLink(HOST_DIR + "/shimx64.efi", shim);
        for (String cfg : List.of("grub.cfg", "grub.cfg-01-aa-bb-cc-dd-ee-ff", "grub.cfg-aa:bb:cc:dd:ee:ff")) {
            assertThat(root.resolve(HOST_DIR + "/" + cfg)).hasContent("cfg");
        }
        assertThat(root.resolve("grub2/grub.cfg-01-aa-bb-cc-dd-ee-ff")).hasContent("cfg");
        assertThat(root.resolve("grub2/grub.cfg-aa:bb:cc:dd:ee:ff")).hasContent("cfg");
        assertThat(written).contains(HOST_DIR + "/boot.efi", HOST_DIR + "/grub.cfg");
    }

    @Test
    void hostConfig_fromBootloaderUniverse_releaseThenDefault() throws Exception {
        Path relGrub = put("bootloader-universe/pxegrub2/redhat/9.4/x86_64/grubx64.efi", "9.4 grub");
        Path relShim = put("bootloader-universe/pxegrub2/redhat/9.4/x86_64/shimx64.efi", "9.4 shim");
        put("bootloader-universe/pxegrub2/redhat/9.4/x86_64/README", "not a loader");
        Path defGrub = put("bootloader-universe/pxegrub2/redhat/default/x86_64/grubx64.efi", "default grub");
        put("grub2/grubx64.efi", "generic grub");

        store().write(Variant.PXEGRUB2, MAC, "cfg".getBytes(US_ASCII), REDHAT_94);

        assertThat(names(HOST_DIR)).containsExactly("grub.cfg", "grub.cfg-01-aa-bb-cc-dd-ee-ff",
                "grub.cfg-aa:bb:cc:dd:ee:ff", "grubx64.efi", "shimx64.efi");
        assertHardLink(HOST_DIR + "/grubx64.efi", relGrub);
        assertHardLink(HOST_DIR + "/shimx64.efi", relShim);

        // another release with no directory of its own falls back to default/, and the host
        // directory keeps no loader of the previous one
        store().write(Variant.PXEGRUB2, MAC, "cfg2".getBytes(US_ASCII),
                Optional.of(new HostBootloader("redhat", "8.10", "x86_64", "x64")));

        assertThat(names(HOST_DIR)).containsExactly("grub.cfg", "grub.cfg-01-aa-bb-cc-dd-ee-ff",
                "grub.cfg-aa:bb:cc:dd:ee:ff", "grubx64.efi");
        assertHardLink(HOST_DIR + "/grubx64.efi", defGrub);
        assertThat(root.resolve(HOST_DIR + "/grub.cfg")).hasContent("cfg2");
    }

    @Test
    void hostConfig_neverLinksASymlink() throws Exception {
        Path outside = Files.createTempFile("secret", ".efi");
        try {
            Files.writeString(outside, "outside the root");
            Files.createDirectories(root.resolve("grub2"));
            Files.createSymbolicLink(root.resolve("grub2/grubx64.efi"), outside);
            Path shim = put("grub2/shimx64.efi", "shim");
            Files.createDirectories(root.resolve("bootloader-universe/pxegrub2/debian/12/x86_64"));
            Files.createSymbolicLink(root.resolve("bootloader-universe/pxegrub2/debian/12/x86_64/grubx64.efi"),
                    outside);
            Path deb = put("bootloader-universe/pxegrub2/debian/12/x86_64/shimx64.efi", "debian shim");

            store().write(Variant.PXEGRUB2, MAC, "cfg".getBytes(US_ASCII), REDHAT_94);
            assertThat(names(HOST_DIR)).doesNotContain("boot.efi", "grubx64.efi").contains("boot-sb.efi");
            assertHardLink(HOST_DIR + "/boot-sb.efi", shim);

            store().write(Variant.PXEGRUB2, MAC, "cfg".getBytes(US_ASCII),
                    Optional.of(new HostBootloader("debian", "12", "x86_64", "x64")));
            assertThat(names(HOST_DIR)).doesNotContain("grubx64.efi", "boot-sb.efi").contains("shimx64.efi");
            assertHardLink(HOST_DIR + "/shimx64.efi", deb);

            try (Stream<Path> s = Files.walk(root.resolve("host-config"))) {
                assertThat(s.filter(Files::isSymbolicLink).toList()).isEmpty();
            }
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void hostConfig_onlyForPxeGrub2AndOnlyWithAllParameters() throws Exception {
        put("grub2/grubx64.efi", "grub");

        store().write(Variant.PXELINUX, MAC, "cfg".getBytes(US_ASCII), REDHAT_94);
        assertThat(root.resolve("host-config")).doesNotExist();

        assertThat(HostBootloader.of("redhat", "9.4", "x86_64", null)).isEmpty();
        assertThat(HostBootloader.of("redhat", "", "x86_64", "x64")).isEmpty();
        store().write(Variant.PXEGRUB2, MAC, "cfg".getBytes(US_ASCII),
                HostBootloader.of("redhat", null, "x86_64", "x64"));
        assertThat(root.resolve("host-config")).doesNotExist();
    }

    @Test
    void hostBootloader_refusesPathsInItsValues() {
        for (String bad : List.of("..", ".", "a/b", "a\\b", "x\0y", "x\ny")) {
            assertThatThrownBy(() -> HostBootloader.of(bad, "9.4", "x86_64", "x64"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Invalid targetos: ");
            assertThatThrownBy(() -> HostBootloader.of("redhat", "9.4", "x86_64", bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Invalid bootfile_suffix: ");
        }
    }

    @Test
    void delete_pxeGrub2_removesHostDirectoryWithoutFollowingLinks() throws Exception {
        Path grub = put("grub2/grubx64.efi", "grub");
        store().write(Variant.PXEGRUB2, MAC, "cfg".getBytes(US_ASCII), REDHAT_94);
        Path outside = Files.createTempDirectory("outside");
        try {
            Files.writeString(outside.resolve("keep"), "keep");
            Files.createSymbolicLink(root.resolve(HOST_DIR + "/planted"), outside);

            List<String> removed = store().delete(Variant.PXEGRUB2, MAC);

            assertThat(removed).containsExactly("grub2/grub.cfg-01-aa-bb-cc-dd-ee-ff", "grub2/grub.cfg-aa:bb:cc:dd:ee:ff",
                    "host-config/aa-bb-cc-dd-ee-ff/");
            assertThat(root.resolve("host-config/aa-bb-cc-dd-ee-ff")).doesNotExist();
            assertThat(outside.resolve("keep")).hasContent("keep");
            assertThat(grub).hasContent("grub"); // the link's other name survives
        } finally {
            Files.deleteIfExists(outside.resolve("keep"));
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void write_refusedTarget_writesNoneOfTheFiles() throws Exception {
        // grub.cfg-<mac> is a directory: the request is refused before grub.cfg-01-... is replaced
        put("grub2/grub.cfg-01-aa-bb-cc-dd-ee-ff", "old");
        Files.createDirectories(root.resolve("grub2/grub.cfg-aa:bb:cc:dd:ee:ff"));

        assertThatThrownBy(() -> store().write(Variant.PXEGRUB2, MAC, "new".getBytes(US_ASCII), Optional.empty()))
                .isInstanceOf(ConfigRefusedException.class)
                .hasMessageContaining("grub2/grub.cfg-aa:bb:cc:dd:ee:ff is a directory");

        assertThat(root.resolve("grub2/grub.cfg-01-aa-bb-cc-dd-ee-ff")).hasContent("old");
    }

    @Test
    void write_fileWhereADirectoryMustBe_isRefused() throws Exception {
        put("poap.cfg", "the default menu is a file");

        assertThatThrownBy(() -> store().write(Variant.POAP, MAC, "x".getBytes(US_ASCII), Optional.empty()))
                .isInstanceOf(ConfigRefusedException.class)
                .hasMessage("cannot write poap.cfg/AABBCCDDEEFF: poap.cfg is a file, not a directory");
        assertThat(root.resolve("poap.cfg")).hasContent("the default menu is a file");
    }

    @Test
    void read_refusesSymlinkedConfig() throws Exception {
        Path outside = Files.createTempFile("cfg", "");
        try {
            Files.writeString(outside, "secret");
            Files.createDirectories(root.resolve("pxelinux.cfg"));
            Files.createSymbolicLink(root.resolve("pxelinux.cfg/01-aa-bb-cc-dd-ee-ff"), outside);

            assertThat(store().read(Variant.PXELINUX, MAC)).isEmpty();
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void read_missingRoot_isEmpty() throws Exception {
        assertThat(new BootConfigStore(root.resolve("nope")).read(Variant.PXELINUX, MAC)).isEmpty();
        assertThat(new ArrayList<>(new BootConfigStore(root.resolve("nope")).delete(Variant.POAP, MAC))).isEmpty();
    }

    /**
     * Issue 15 item 6 through the store: {@code grub} swapped between a directory and a symlink
     * while PXEGrub configs and menus are written and deleted. Before, files landed outside the
     * root within seconds and {@code .bootproxy-tmp-*} files were left behind.
     */
    @Test
    void writesWhileGrubIsSwappedWithASymlink_neverLandOutsideTheRootNorLeaveTempFiles(@TempDir Path outside)
            throws Exception {
        BootConfigStore store = store();
        List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger ok = new AtomicInteger();
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (SymlinkSwapper swapper = new SymlinkSwapper(root.resolve("grub"), outside)) {
            Thread[] writers = new Thread[2];
            for (int w = 0; w < writers.length; w++) {
                MacAddress mac = MacAddress.parse("aa:bb:cc:dd:ee:0" + w);
                writers[w] = new Thread(() -> {
                    for (int i = 0; i < 1500 && System.nanoTime() < deadline; i++) {
                        try {
                            switch (i % 3) {
                                case 0 -> store.write(Variant.PXEGRUB, mac, ("c" + i).getBytes(US_ASCII),
                                        Optional.empty());
                                case 1 -> store.writeDefault(Variant.PXEGRUB, ("m" + i).getBytes(US_ASCII));
                                default -> store.delete(Variant.PXEGRUB, mac);
                            }
                            ok.incrementAndGet();
                        } catch (ConfigRefusedException | java.nio.file.FileSystemException e) {
                            // refused (a link was there) or the directory vanished under us: fine
                        } catch (IOException | RuntimeException e) {
                            unexpected.add(e);
                        }
                    }
                });
                writers[w].start();
            }
            for (Thread t : writers) {
                t.join(120_000);
            }
            assertThat(swapper.swaps()).as("the swapper ran").isGreaterThan(10);
        }

        assertThat(unexpected).isEmpty();
        assertThat(ok.get()).as("some requests went through").isGreaterThan(10);
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.toList()).as("nothing written outside the root").isEmpty();
        }
        try (Stream<Path> s = Files.walk(root)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".bootproxy-tmp-")).toList())
                    .as("no temp file left").isEmpty();
        }
    }
}
