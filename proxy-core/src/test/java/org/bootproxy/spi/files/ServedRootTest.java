package org.bootproxy.spi.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bootproxy.spi.files.PathRefusedException.Reason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared path policy as a table: each request path (as a server hands it over, already
 * decoded) against a tree with files, directories, every kind of symbolic link and a FIFO.
 *
 * <pre>
 * base/outside.txt
 * base/root-evil/secret.txt          a sibling whose name has the root's as a prefix
 * base/root/a.txt                    "A"
 * base/root/dir/b.txt                "B"
 * base/root/dir/deeper/c.txt         "C"
 * base/root/..hidden                 a name that starts with two dots: a plain file
 * base/root/link-in -> dir/b.txt     symlink to a file inside
 * base/root/link-out -> ../outside.txt
 * base/root/link-abs -> base/outside.txt
 * base/root/link-dir -> dir          symlinked directory inside
 * base/root/link-evil -> ../root-evil
 * base/root/dangling -> nowhere
 * base/root/dir/link-up -> ..        a loop back to the root
 * base/root/fifo                     a named pipe
 * </pre>
 */
class ServedRootTest {

    @TempDir
    Path base;
    Path root;
    ServedRoot served;

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectory(base.resolve("root"));
        Files.writeString(base.resolve("outside.txt"), "OUTSIDE");
        Files.createDirectories(base.resolve("root-evil"));
        Files.writeString(base.resolve("root-evil/secret.txt"), "OUTSIDE");
        Files.writeString(root.resolve("a.txt"), "A");
        Files.createDirectories(root.resolve("dir/deeper"));
        Files.writeString(root.resolve("dir/b.txt"), "B");
        Files.writeString(root.resolve("dir/deeper/c.txt"), "C");
        Files.writeString(root.resolve("..hidden"), "H");
        Files.createSymbolicLink(root.resolve("link-in"), Path.of("dir/b.txt"));
        Files.createSymbolicLink(root.resolve("link-out"), Path.of("../outside.txt"));
        Files.createSymbolicLink(root.resolve("link-abs"), base.resolve("outside.txt"));
        Files.createSymbolicLink(root.resolve("link-dir"), Path.of("dir"));
        Files.createSymbolicLink(root.resolve("link-evil"), Path.of("../root-evil"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(root.resolve("dir/link-up"), Path.of(".."));
        Process p = new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        served = ServedRoot.of(root);
    }

    private static String read(ServedFile f) throws Exception {
        ByteBuffer b = ByteBuffer.allocate((int) f.size());
        while (b.hasRemaining() && f.channel().read(b) >= 0) {
            // keep reading
        }
        return new String(b.array(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "a.txt|A|a.txt",
        "/a.txt|A|a.txt",
        "//a.txt|A|a.txt",
        "dir/b.txt|B|dir/b.txt",
        "dir//b.txt|B|dir/b.txt",
        "..hidden|H|..hidden"})
    void open_servesRegularFilesBelowTheRoot(String request, String content, String relative) throws Exception {
        try (ServedFile f = served.open(request)) {
            assertThat(read(f)).isEqualTo(content);
            assertThat(f.relativePath()).isEqualTo(relative);
            assertThat(f.size()).isEqualTo(content.length());
            assertThat(f.fileKey()).isNotNull();
            assertThat(f.lastModified()).isNotNull();
            // check() names the same file version without opening it
            assertThat(served.check(request)).isEqualTo(
                    new ServedRoot.Entry(f.relativePath(), f.size(), f.lastModified(), f.fileKey()));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // text rules
        "''|INVALID",
        "/|INVALID",
        "//|INVALID",
        "..|INVALID",
        "../outside.txt|INVALID",
        "dir/../a.txt|INVALID",
        "dir/../../outside.txt|INVALID",
        "./a.txt|INVALID",
        "dir/.|INVALID",
        "..\\\\outside.txt|INVALID",
        "dir\\\\b.txt|INVALID",
        "C:/a.txt|INVALID",
        "c:a.txt|INVALID",
        // links, anywhere, to anything
        "link-in|SYMLINK",
        "link-out|SYMLINK",
        "link-abs|SYMLINK",
        "link-dir/b.txt|SYMLINK",
        "link-evil/secret.txt|SYMLINK",
        "dangling|SYMLINK",
        "dir/link-up/a.txt|SYMLINK",
        // what is there
        "nothing.txt|NOT_FOUND",
        "dir/nothing/b.txt|NOT_FOUND",
        "a.txt/x|NOT_FOUND",
        "root-evil/secret.txt|NOT_FOUND",
        "outside.txt|NOT_FOUND",
        "dir|DIRECTORY",
        "dir/deeper/|DIRECTORY",
        "fifo|NOT_REGULAR"})
    void open_refuses(String request, Reason reason) {
        assertThatThrownBy(() -> served.open(request)).isInstanceOf(PathRefusedException.class)
                .satisfies(e -> {
                    assertThat(((PathRefusedException) e).reason()).isEqualTo(reason);
                    assertThat(((PathRefusedException) e).requestPath()).isEqualTo(request);
                    assertThat(e.getMessage()).doesNotContain(base.toString());
                });
        // check() is the same policy without opening
        assertThatThrownBy(() -> served.check(request)).isInstanceOf(PathRefusedException.class)
                .satisfies(e -> assertThat(((PathRefusedException) e).reason()).isEqualTo(reason));
    }

    @Test
    void check_seesAFileReplacedByALinkOrANewVersion() throws Exception {
        ServedRoot.Entry before = served.check("dir/b.txt");
        Path b = root.resolve("dir/b.txt");
        Files.writeString(base.resolve("b.new"), "B2");
        Files.move(base.resolve("b.new"), b, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(served.check("dir/b.txt").fileKey()).isNotEqualTo(before.fileKey());
        Files.delete(b);
        Files.createSymbolicLink(b, root.resolve("a.txt"));
        assertThatThrownBy(() -> served.check("dir/b.txt")).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.SYMLINK);
        Path dir = root.resolve("dir");
        Files.move(dir, root.resolve("dir.real"));
        Files.createSymbolicLink(dir, Path.of("dir.real"));
        assertThatThrownBy(() -> served.check("dir/deeper/c.txt")).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.SYMLINK);
    }

    @Test
    void open_refusesControlCharactersAndNul() {
        for (String s : new String[] {"a.txt\u0000", "a\u0001.txt", "a.txt\n", "a\u007f"}) {
            assertThatThrownBy(() -> served.open(s)).isInstanceOf(PathRefusedException.class)
                    .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.INVALID);
        }
    }

    /** A trailing '/' names a directory (POSIX: open("c.txt/") is ENOTDIR): after a file, nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"a.txt/", "/dir/deeper/c.txt/", "dir/b.txt//"})
    void openAndCheck_fileNameWithTrailingSlash_isNotFound(String request) {
        assertThatThrownBy(() -> served.open(request)).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.NOT_FOUND);
        assertThatThrownBy(() -> served.check(request)).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.NOT_FOUND);
        assertThatThrownBy(() -> served.open("dir/")).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.DIRECTORY);
    }

    static Stream<String> namesNoFileCanHave() {
        return Stream.of("a".repeat(256), "a".repeat(1000), "dir/" + "a".repeat(300), "a".repeat(300) + "/x",
                "dir/" + "\u00e9".repeat(129), // 129 characters, 258 bytes in UTF-8
                "a/".repeat(40) + "b".repeat(ServedRoot.MAX_LENGTH));
    }

    /** ENAMETOOLONG: a name no file can have does not exist, for reading (not an I/O error). */
    @ParameterizedTest
    @MethodSource("namesNoFileCanHave")
    void openAndCheck_nameNoFileCanHave_isNotFound(String request) {
        assertThatThrownBy(() -> served.open(request)).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.NOT_FOUND);
        assertThatThrownBy(() -> served.check(request)).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.NOT_FOUND);
    }

    @Test
    void open_nameOfExactly255Bytes_isAnOrdinaryName() throws Exception {
        Files.writeString(root.resolve("n".repeat(255)), "N");
        try (ServedFile f = served.open("n".repeat(255))) {
            assertThat(read(f)).isEqualTo("N");
        }
    }

    @Test
    void open_refusesOverlongPaths() {
        assertThatThrownBy(() -> served.open("a/".repeat(ServedRoot.MAX_SEGMENTS + 1)))
                .isInstanceOf(PathRefusedException.class);
        assertThatThrownBy(() -> served.open("x".repeat(ServedRoot.MAX_LENGTH + 1)))
                .isInstanceOf(PathRefusedException.class);
    }

    @Test
    @Timeout(10)
    void open_neverOpensAFifo() {
        // opening a FIFO for reading blocks until a writer appears: this would hang
        assertThatThrownBy(() -> served.open("fifo")).isInstanceOf(PathRefusedException.class);
    }

    @Test
    void open_nonAsciiName_isServedOrRefusedButNeverThrowsUnchecked() throws Exception {
        try {
            Files.writeString(root.resolve("caf\u00e9.efi"), "E");
        } catch (java.nio.file.InvalidPathException e) {
            // POSIX locale: the JVM cannot even create the name; the request must then be refused
        }
        try (ServedFile f = served.open("caf\u00e9.efi")) {
            assertThat(read(f)).isEqualTo("E");
        } catch (PathRefusedException e) {
            assertThat(e.reason()).isIn(Reason.INVALID, Reason.NOT_FOUND);
        }
    }

    @Test
    void rootItself_mayBeASymlinkChosenByTheOperator() throws Exception {
        Path alias = Files.createSymbolicLink(base.resolve("alias"), Path.of("root"));

        try (ServedFile f = ServedRoot.of(alias).open("a.txt")) {
            assertThat(read(f)).isEqualTo("A");
        }
        assertThat(ServedRoot.of(alias).root()).isEqualTo(root.toRealPath());
    }

    @Test
    void of_refusesAMissingRootOrAFile() {
        assertThatThrownBy(() -> ServedRoot.of(base.resolve("missing"))).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> ServedRoot.of(base.resolve("outside.txt"))).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void openedFile_staysTheCheckedFileWhenTheNameIsReplaced() throws Exception {
        try (ServedFile f = served.open("a.txt")) {
            Files.delete(root.resolve("a.txt"));
            Files.createSymbolicLink(root.resolve("a.txt"), base.resolve("outside.txt"));

            assertThat(read(f)).isEqualTo("A");
        }
        assertThatThrownBy(() -> served.open("a.txt")).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(Reason.SYMLINK);
    }

    @Test
    void size_isTheOpenDescriptors() throws Exception {
        Files.writeString(root.resolve("grow.bin"), "12345");
        try (ServedFile f = served.open("grow.bin")) {
            assertThat(f.size()).isEqualTo(5);
            assertThat(f.channel().size()).isEqualTo(5);
        }
    }

    @Test
    void hardLink_isServed() throws Exception {
        Files.createLink(root.resolve("hard.txt"), root.resolve("dir/b.txt"));

        try (ServedFile f = served.open("hard.txt")) {
            assertThat(read(f)).isEqualTo("B");
        }
    }

    @Test
    void segments_splitsAndValidates() throws Exception {
        assertThat(ServedRoot.segments("//a//b/c/")).containsExactly("a", "b", "c");
        assertThatThrownBy(() -> ServedRoot.segments(null)).isInstanceOf(PathRefusedException.class);
    }
}
