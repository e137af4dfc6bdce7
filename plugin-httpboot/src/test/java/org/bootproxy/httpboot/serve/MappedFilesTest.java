package org.bootproxy.httpboot.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bootproxy.spi.files.ServedFile;
import org.bootproxy.spi.files.ServedRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFilesTest {

    @TempDir
    Path dir;

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private ServedFile open(String name) throws Exception {
        return ServedRoot.of(dir).open(name);
    }

    @Test
    void region_returnsTheRequestedBytes_andSharesOneMappingPerVersion() throws Exception {
        Files.write(dir.resolve("a"), "0123456789".getBytes());
        MappedFiles m = new MappedFiles(4, 1 << 20);

        try (ServedFile f = open("a"); ServedFile g = open("a")) {
            assertThat(bytes(m.region(f, 0, 10))).isEqualTo("0123456789".getBytes());
            assertThat(bytes(m.region(g, 3, 4))).isEqualTo("3456".getBytes());
        }
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.mappedBytes()).isEqualTo(10);
    }

    @Test
    void replacedFile_getsANewMapping() throws Exception {
        Files.write(dir.resolve("a"), "old".getBytes());
        MappedFiles m = new MappedFiles(4, 1 << 20);
        try (ServedFile f = open("a")) {
            assertThat(bytes(m.region(f, 0, 3))).isEqualTo("old".getBytes());
        }
        Files.write(dir.resolve("a.tmp"), "new".getBytes());
        Files.move(dir.resolve("a.tmp"), dir.resolve("a"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        try (ServedFile f = open("a")) {
            assertThat(bytes(m.region(f, 0, 3))).isEqualTo("new".getBytes());
        }
    }

    @Test
    void cache_isBoundedByEntriesAndBytes() throws Exception {
        for (int i = 0; i < 5; i++) {
            Files.write(dir.resolve("f" + i), new byte[100]);
        }
        MappedFiles byCount = new MappedFiles(2, 1 << 20);
        MappedFiles byBytes = new MappedFiles(100, 250);
        for (int i = 0; i < 5; i++) {
            try (ServedFile f = open("f" + i)) {
                byCount.region(f, 0, 100);
                byBytes.region(f, 0, 100);
            }
        }
        assertThat(byCount.size()).isEqualTo(2);
        assertThat(byBytes.mappedBytes()).isLessThanOrEqualTo(250);
    }

    @Test
    void region_outsideTheFile_isRefused() throws Exception {
        Files.write(dir.resolve("a"), new byte[10]);
        MappedFiles m = new MappedFiles(4, 1 << 20);
        try (ServedFile f = open("a")) {
            assertThatThrownBy(() -> m.region(f, 5, 6)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("5+6");
        }
    }
}
