package org.bootproxy.tftp.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetasciiSourceTest {

    @TempDir
    Path dir;

    private FileChannel file(byte[] content) throws Exception {
        Path p = dir.resolve("f" + System.nanoTime());
        Files.write(p, content);
        return FileChannel.open(p, StandardOpenOption.READ);
    }

    /** Reads all blocks; returns the concatenation, with '|' between blocks. */
    private String readAll(byte[] content, int blksize) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (NetasciiSource s = new NetasciiSource(file(content), blksize)) {
            for (long b = 1; ; b++) {
                ByteBuffer dst = ByteBuffer.allocate(blksize);
                int n = s.read(b, dst);
                sb.append(new String(dst.array(), 0, n, StandardCharsets.ISO_8859_1).replace("\r", "\\r")
                        .replace("\n", "\\n").replace("\0", "\\0"));
                if (n < blksize) {
                    return sb.toString();
                }
                sb.append('|');
                s.acknowledged(b);
            }
        }
    }

    @ParameterizedTest(name = "{0} at blksize {1}")
    @CsvSource(delimiter = ';', value = {
        "abc;8;abc",
        "a\\nb;8;a\\r\\nb",
        "a\\rb;8;a\\r\\0b",
        "a\\r\\nb;8;a\\r\\0\\r\\nb",
        "1234567\\n;8;1234567\\r|\\n",
        "1234567\\r;8;1234567\\r|\\0",
        "12345678;8;12345678|",
        "\\n\\n\\n\\n;8;\\r\\n\\r\\n\\r\\n\\r\\n|"})
    void convertsLineEndsAcrossBlockBoundaries(String in, int blksize, String expected) throws Exception {
        byte[] content = in.replace("\\n", "\n").replace("\\r", "\r").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(readAll(content, blksize)).isEqualTo(expected);
        try (FileChannel ch = file(content)) {
            assertThat(NetasciiSource.convertedSize(ch))
                    .isEqualTo(expected.replace("|", "").replace("\\r", "R").replace("\\n", "N").replace("\\0", "0")
                            .length());
        }
    }

    @Test
    void retransmission_ofUnacknowledgedBlocks_returnsTheSameBytes() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            text.writeBytes(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        try (NetasciiSource s = new NetasciiSource(file(text.toByteArray()), 16)) {
            ByteBuffer a = ByteBuffer.allocate(16);
            ByteBuffer b = ByteBuffer.allocate(16);
            s.read(1, ByteBuffer.allocate(16));
            s.read(2, a);
            s.read(3, ByteBuffer.allocate(16));
            s.acknowledged(1);
            s.read(2, b);
            assertThat(b.array()).isEqualTo(a.array());
        }
    }
}
