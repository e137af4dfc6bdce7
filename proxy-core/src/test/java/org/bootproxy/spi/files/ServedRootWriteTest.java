package org.bootproxy.spi.files;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bootproxy.spi.files.PathRefusedException.Reason;
import org.bootproxy.testing.SymlinkSwapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ServedRoot's write side on a real file system: atomic replacement, directory creation, and
 * above all that no write, rename or delete ever lands outside the root while the tree is
 * changed under it.
 */
class ServedRootWriteTest {

    @TempDir
    Path base;

    private Path root() throws IOException {
        return Files.createDirectories(base.resolve("root"));
    }

    private Path outside() throws IOException {
        return Files.createDirectories(base.resolve("outside"));
    }

    private static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void write_createsDirectoriesAndReplacesAtomically() throws Exception {
        ServedRoot served = ServedRoot.of(root());

        served.write("a/b/c.cfg", "one".getBytes(US_ASCII));
        served.write("/a//b/c.cfg", "two".getBytes(US_ASCII));

        assertThat(root().resolve("a/b/c.cfg")).hasContent("two");
        assertThat(tree(root())).containsExactly("a", "a/b", "a/b/c.cfg");
    }

    @Test
    void write_refusesSymlinkOnTheWayAndChangesNothingOutside() throws Exception {
        Path root = root();
        Files.createSymbolicLink(root.resolve("grub"), outside());
        ServedRoot served = ServedRoot.of(root);

        assertThatThrownBy(() -> served.write("grub/menu.lst", "x".getBytes(US_ASCII)))
                .isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.SYMLINK);
        assertThatThrownBy(() -> served.write("grub/new/menu.lst", "x".getBytes(US_ASCII)))
                .isInstanceOf(PathRefusedException.class);
        assertThat(tree(outside())).isEmpty();
        assertThat(tree(root)).containsExactly("grub");
    }

    @Test
    void write_refusesSymlinkAtTheTargetAndDirectoryWhereTheFileGoes() throws Exception {
        Path root = root();
        Path secret = Files.writeString(outside().resolve("secret"), "kept");
        Files.createSymbolicLink(root.resolve("link.cfg"), secret);
        Files.createDirectories(root.resolve("dir.cfg"));
        Files.writeString(root.resolve("file"), "a file");
        ServedRoot served = ServedRoot.of(root);

        assertThatThrownBy(() -> served.write("link.cfg", "x".getBytes(US_ASCII)))
                .isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.SYMLINK);
        assertThatThrownBy(() -> served.write("dir.cfg", "x".getBytes(US_ASCII)))
                .isInstanceOf(PathRefusedException.class)
                .hasMessageContaining("dir.cfg is a directory");
        assertThatThrownBy(() -> served.write("file/x", "x".getBytes(US_ASCII)))
                .isInstanceOf(PathRefusedException.class)
                .hasMessageContaining("file is a file, not a directory");
        assertThat(secret).hasContent("kept");
        assertThat(tree(root)).containsExactly("dir.cfg", "file", "link.cfg");
    }

    @Test
    void write_failingWriter_leavesNoTempFileAndKeepsTheOldContent() throws Exception {
        Path root = root();
        ServedRoot served = ServedRoot.of(root);
        served.write("pxelinux.cfg/default", "old".getBytes(US_ASCII));

        assertThatThrownBy(() -> served.write("pxelinux.cfg/default", out -> {
            out.write("half".getBytes(US_ASCII));
            throw new IOException("disk full");
        })).hasMessage("disk full");

        assertThat(root.resolve("pxelinux.cfg/default")).hasContent("old");
        assertThat(tree(root)).containsExactly("pxelinux.cfg", "pxelinux.cfg/default");
    }

    @Test
    void createTemp_commitSetsModificationTimeAndCloseWithoutCommitLeavesNothing() throws Exception {
        Path root = root();
        ServedRoot served = ServedRoot.of(root);
        FileTime when = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));

        try (ServedRoot.TempFile t = served.createTemp("boot/k-vmlinuz")) {
            t.channel().write(java.nio.ByteBuffer.wrap("kernel".getBytes(US_ASCII)));
            t.commit(when);
        }
        try (ServedRoot.TempFile t = served.createTemp("boot/k-initrd")) {
            t.channel().write(java.nio.ByteBuffer.wrap("partial".getBytes(US_ASCII)));
        }

        assertThat(root.resolve("boot/k-vmlinuz")).hasContent("kernel");
        assertThat(Files.getLastModifiedTime(root.resolve("boot/k-vmlinuz"))).isEqualTo(when);
        assertThat(tree(root)).containsExactly("boot", "boot/k-vmlinuz");
    }

    @Test
    void linkOrCopy_placesAHardLinkOfAFileInsideTheRoot_neverASymlinkedOne() throws Exception {
        Path root = root();
        Files.createDirectories(root.resolve("grub2"));
        Files.writeString(root.resolve("grub2/grubx64.efi"), "grub");
        Files.writeString(outside().resolve("shadow"), "secret");
        Files.createSymbolicLink(root.resolve("grub2/shimx64.efi"), outside().resolve("shadow"));
        ServedRoot served = ServedRoot.of(root);

        served.linkOrCopy("grub2/grubx64.efi", "host-config/m/grub2/boot.efi");
        assertThatThrownBy(() -> served.linkOrCopy("grub2/shimx64.efi", "host-config/m/grub2/boot-sb.efi"))
                .isInstanceOf(PathRefusedException.class);

        Path placed = root.resolve("host-config/m/grub2/boot.efi");
        assertThat(Files.isSymbolicLink(placed)).isFalse();
        assertThat(Files.isSameFile(placed, root.resolve("grub2/grubx64.efi"))).isTrue();
        assertThat(root.resolve("host-config/m/grub2/boot-sb.efi")).doesNotExist();
    }

    @Test
    void delete_removesALinkItselfNeverItsTarget_andRefusesADirectory() throws Exception {
        Path root = root();
        Path secret = Files.writeString(outside().resolve("secret"), "kept");
        Files.createDirectories(root.resolve("grub/dir"));
        Files.createSymbolicLink(root.resolve("grub/menu.lst"), secret);
        Files.createSymbolicLink(root.resolve("via"), outside());
        ServedRoot served = ServedRoot.of(root);

        assertThat(served.delete("grub/menu.lst")).isTrue();
        assertThat(served.delete("grub/menu.lst")).isFalse();
        assertThat(served.delete("nothing/here")).isFalse();
        assertThatThrownBy(() -> served.delete("grub/dir")).isInstanceOf(PathRefusedException.class);
        assertThatThrownBy(() -> served.delete("via/secret"))
                .isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.SYMLINK);

        assertThat(secret).hasContent("kept");
        assertThat(tree(root)).containsExactly("grub", "grub/dir", "via");
    }

    @Test
    void deleteTree_removesLinksInsideWithoutFollowingThem() throws Exception {
        Path root = root();
        Path secret = Files.writeString(outside().resolve("secret"), "kept");
        Files.createDirectories(root.resolve("host-config/m/grub2"));
        Files.writeString(root.resolve("host-config/m/grub2/grub.cfg"), "cfg");
        Files.createSymbolicLink(root.resolve("host-config/m/grub2/out"), outside());
        Files.createSymbolicLink(root.resolve("host-config/m/secret"), secret);
        ServedRoot served = ServedRoot.of(root);

        assertThat(served.deleteTree("host-config/m")).isTrue();
        assertThat(served.deleteTree("host-config/m")).isFalse();

        assertThat(tree(root)).containsExactly("host-config");
        assertThat(tree(outside())).containsExactly("secret");
        assertThat(secret).hasContent("kept");
    }

    @Test
    void list_namesEntriesWithoutTempFiles_andIsEmptyWhenMissing() throws Exception {
        Path root = root();
        Files.createDirectories(root.resolve("d"));
        Files.writeString(root.resolve("d/b.efi"), "b");
        Files.writeString(root.resolve("d/a.efi"), "a");
        Files.writeString(root.resolve("d/" + AtomicFiles.TEMP_PREFIX + "x"), "t");
        Files.createSymbolicLink(root.resolve("l"), outside());
        ServedRoot served = ServedRoot.of(root);

        assertThat(served.list("d")).containsExactly("a.efi", "b.efi");
        assertThat(served.list("missing/dir")).isEmpty();
        assertThatThrownBy(() -> served.list("l")).isInstanceOf(PathRefusedException.class);
    }

    /**
     * Issue 15 item 6: {@code grub} swapped between a directory and a symlink to a directory
     * outside the root while writers create and replace files under it. Before, writes landed
     * outside the root within seconds and left temp files behind. Bounded by a number of rounds
     * (and a time cap for a slow machine), not by timing.
     */
    @Test
    void write_whileADirectoryIsSwappedWithASymlink_neverLandsOutsideTheRootNorLeavesTempFiles() throws Exception {
        Path root = root();
        Path outside = outside();
        ServedRoot served = ServedRoot.of(root);
        List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        AtomicInteger written = new AtomicInteger();
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int w = 0; w < 2; w++) {
            int id = w;
            writers.add(new Thread(() -> {
                for (int i = 0; i < 3000 && System.nanoTime() < deadline; i++) {
                    String rel = switch (i % 4) {
                        case 0 -> "grub/menu.lst.01AABBCCDDEE0" + id;
                        case 1 -> "grub/sub" + id + "/deep/file" + (i % 7);
                        case 2 -> "grub/01-AA-BB-CC-DD-EE-0" + id;
                        default -> "grub/efidefault";
                    };
                    try {
                        if (i % 10 == 9) {
                            served.delete(rel);
                        } else if (i % 10 == 8) {
                            try (ServedRoot.TempFile t = served.createTemp(rel)) {
                                t.channel().write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
                                // abandoned without commit: must leave nothing
                            }
                        } else {
                            served.write(rel, ("w" + id + "-" + i).getBytes(US_ASCII));
                        }
                        written.incrementAndGet();
                    } catch (PathRefusedException | NoSuchFileException e) {
                        // refused because a link was there, or the directory vanished: both fine
                    } catch (IOException | RuntimeException e) {
                        if (!(e instanceof java.nio.file.FileSystemException)) {
                            unexpected.add(e);
                        }
                    }
                }
            }, "writer-" + w));
        }
        SymlinkSwapper swapper = new SymlinkSwapper(root.resolve("grub"), outside);
        try (swapper) {
            writers.forEach(Thread::start);
            for (Thread t : writers) {
                t.join(120_000);
            }
        }

        assertThat(unexpected).isEmpty();
        assertThat(swapper.swaps()).as("the swapper ran").isGreaterThan(10);
        assertThat(written.get()).as("some writes went through").isGreaterThan(10);
        assertThat(tree(outside)).as("nothing written outside the root").isEmpty();
        try (Stream<Path> s = Files.walk(root)) {
            List<String> temps = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(AtomicFiles.TEMP_PREFIX)).toList();
            assertThat(temps).as("no temp file or directory left").isEmpty();
        }
        try (Stream<Path> s = Files.walk(root)) {
            assertThat(s.filter(Files::isSymbolicLink).toList()).as("no symlink left under the root").isEmpty();
        }
    }
}
