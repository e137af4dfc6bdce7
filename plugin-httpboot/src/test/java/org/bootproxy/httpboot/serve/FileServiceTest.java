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
