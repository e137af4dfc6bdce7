package org.bootproxy.tftp.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OctetSourceTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} bytes at blksize {1}")
    @CsvSource({"0,512", "511,512", "512,512", "100000,512", "32768,512", "32769,8", "100000,1468",
            "100000,8192", "100000,9000", "65536,65464", "200000,65464"})
    void everyBlock_inOrder_andAgainOutOfOrder_matchesTheFile(int size, int blksize) throws Exception {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        Path f = dir.resolve("f");
        Files.write(f, content);
        int blocks = size / blksize + 1;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
                OctetSource s = new OctetSource(ch, blksize)) {
            for (long b = 1; b <= blocks; b++) {
                check(s, content, blksize, b);
            }
            // retransmissions and jumps: before, inside and after the read-ahead window
            Random r = new Random(1);
            for (int i = 0; i < 200; i++) {
                check(s, content, blksize, 1 + r.nextInt(blocks));
            }
            check(s, content, blksize, blocks + 1);
        }
    }

    private static void check(OctetSource s, byte[] content, int blksize, long block) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(4 + blksize);
        dst.position(4);
        int n = s.read(block, dst);
        long from = Math.min((block - 1) * blksize, content.length);
        long to = Math.min(from + blksize, content.length);
        assertThat(n).as("length of block %d", block).isEqualTo((int) (to - from));
        assertThat(dst.position()).isEqualTo(4 + n);
        assertThat(Arrays.copyOfRange(dst.array(), 4, 4 + n))
                .isEqualTo(Arrays.copyOfRange(content, (int) from, (int) to));
    }
}
