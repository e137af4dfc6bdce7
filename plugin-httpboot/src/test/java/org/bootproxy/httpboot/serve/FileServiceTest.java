package org.bootproxy.httpboot.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileServiceTest {

    @TempDir
    Path root;
    FileService files;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(root.resolve("BOOT"));
        Files.write(root.resolve("BOOT/BOOTX64.EFI"), new byte[] {1, 2, 3});
        byte[] big = new byte[FileService.SMALL_FILE + 10];
        big[big.length - 1] = 7;
        Files.write(root.resolve("big.img"), big);
        files = new FileService(new RootDir(root), new MappedFiles(4, 1 << 30));
    }

    private Answer get(String mount, int base, String raw) {
        return files.answer(mount, base, raw, false, Conditionals.RequestHeaders.NONE);
    }

    @Test
    void mountIsStripped_andBaseSegmentsSkipped() {
        assertThat(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI")).isInstanceOf(Answer.Content.class);
        assertThat(get("EFI", 1, "/ctx/EFI/BOOT/BOOTX64.EFI")).isInstanceOf(Answer.Content.class);
        assertThat(get("httpboot", 0, "/%68ttpboot/BOOT/BOOTX64.EFI")).isInstanceOf(Answer.Content.class);
    }

    @Test
    void aPathNotStartingWithTheMountInRawForm_isRefused() {
        // Jetty routes /x/../EFI/a to /EFI/a; the raw path does not start with the mount
        assertThat(get("EFI", 0, "/x/../EFI/BOOT/BOOTX64.EFI")).isEqualTo(new Answer.Refused(403, "Invalid or empty path"));
        assertThat(get("EFI", 0, "/httpboot/BOOT/BOOTX64.EFI")).isEqualTo(new Answer.Refused(403, "Invalid or empty path"));
        assertThat(get("EFI", 0, "/")).isEqualTo(new Answer.Refused(403, "Invalid or empty path"));
    }

    @Test
    void missingRoot_isNotFound() {
        FileService none = new FileService(new RootDir(root.resolve("nope")), new MappedFiles(1, 1));

        assertThat(none.answer("EFI", 0, "/EFI/a", false, Conditionals.RequestHeaders.NONE))
                .isEqualTo(new Answer.Refused(404, "Not found"));
    }

    @Test
    void chunks_coverTheRange_fromHeapOrMapping() throws Exception {
        Answer.Content small = (Answer.Content) get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI");
        Answer.Content big = (Answer.Content) files.answer("httpboot", 0, "/httpboot/big.img", false,
                new Conditionals.RequestHeaders(null, null, "bytes=-5", null));
        try (small; big) {
            ByteBuffer s = files.chunk(small, 0);
            ByteBuffer b = files.chunk(big, 0);

            assertThat(s.isDirect()).isFalse();
            assertThat(s.remaining()).isEqualTo(3);
            assertThat(big.status()).isEqualTo(206);
            assertThat(b.remaining()).isEqualTo(5);
            assertThat(b.get(4)).isEqualTo((byte) 7);
        }
    }

    @Test
    void smallBody_isKeptPerVersion_andARewriteWithANewTimeIsServedFresh() throws Exception {
        Path f = root.resolve("BOOT/BOOTX64.EFI");
        byte[] first = body(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI"));
        byte[] again = body(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI"));
        // rewritten in place (same inode, same size): only the modification time tells
        Files.write(f, new byte[] {4, 5, 6});
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
        Answer.Content after = (Answer.Content) get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI");

        assertThat(first).containsExactly(1, 2, 3);
        assertThat(again).containsExactly(1, 2, 3);
        assertThat(body(after)).containsExactly(4, 5, 6);
        assertThat(after.lastModified()).isEqualTo("Tue, 02 Jan 2024 03:04:05 GMT");
    }

    @Test
    void rangeOfAKeptSmallBody_isSlicedFromIt() throws Exception {
        body(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI")); // kept now
        Answer.Content tail = (Answer.Content) files.answer("EFI", 0, "/EFI/BOOT/BOOTX64.EFI", false,
                new Conditionals.RequestHeaders(null, null, "bytes=1-", null));

        assertThat(tail.status()).isEqualTo(206);
        assertThat(body(tail)).containsExactly(2, 3);
    }

    @Test
    void aKeptVersion_isAnsweredWithoutOpeningTheFile_butThePolicyStillRunsOnEveryRequest() throws Exception {
        body(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI")); // read through open() once, kept now
        Answer.Content kept = (Answer.Content) get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI");
        Answer.Content head = (Answer.Content) files.answer("EFI", 0, "/EFI/BOOT/BOOTX64.EFI", true,
                Conditionals.RequestHeaders.NONE);
        Answer notModified = files.answer("EFI", 0, "/EFI/BOOT/BOOTX64.EFI", false,
                new Conditionals.RequestHeaders(kept.etag(), null, null, null));

        assertThat(kept.file()).as("no descriptor for a kept body").isNull();
        assertThat(body(kept)).containsExactly(1, 2, 3);
        assertThat(head.file()).isNull();
        assertThat(head.length()).isEqualTo(3);
        assertThat(notModified).isInstanceOf(Answer.NotModified.class);

        // the directory becomes a symlink to a copy of itself: same names, never served
        Files.move(root.resolve("BOOT"), root.resolve("BOOT.real"));
        Files.createSymbolicLink(root.resolve("BOOT"), Path.of("BOOT.real"));
        assertThat(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI")).isEqualTo(new Answer.Refused(403, "Invalid or empty path"));
        assertThat(files.answer("EFI", 0, "/EFI/BOOT/BOOTX64.EFI", false,
                new Conditionals.RequestHeaders(kept.etag(), null, null, null)))
                .isEqualTo(new Answer.Refused(403, "Invalid or empty path"));
        // the file itself a symlink to the very inode that was kept: still refused
        Files.delete(root.resolve("BOOT"));
        Files.createDirectory(root.resolve("BOOT"));
        Files.createSymbolicLink(root.resolve("BOOT/BOOTX64.EFI"), root.resolve("BOOT.real/BOOTX64.EFI"));
        assertThat(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI")).isEqualTo(new Answer.Refused(403, "Invalid or empty path"));
        // gone: 404, not the kept bytes
        Files.delete(root.resolve("BOOT/BOOTX64.EFI"));
        assertThat(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI")).isEqualTo(new Answer.Refused(404, "Not found"));
    }

    @Test
    void aFileReplacedByRename_isANewVersion_readThroughOpen() throws Exception {
        body(get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI"));
        Path tmp = root.resolve("BOOT/.new");
        Files.write(tmp, new byte[] {9, 9, 9});
        Files.move(tmp, root.resolve("BOOT/BOOTX64.EFI"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Answer.Content fresh = (Answer.Content) get("EFI", 0, "/EFI/BOOT/BOOTX64.EFI");

        assertThat(fresh.file()).as("an unknown version is opened").isNotNull();
        assertThat(body(fresh)).containsExactly(9, 9, 9);
    }

    private byte[] body(Answer answer) throws Exception {
        try (Answer.Content c = (Answer.Content) answer) {
            ByteBuffer b = files.chunk(c, 0);
            assertThat(b.isReadOnly()).isTrue();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
