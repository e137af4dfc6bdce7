package org.bootproxy.httpboot.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootDirTest {

    @TempDir
    Path base;

    @Test
    void missingRoot_isResolvedOnceItAppears() throws Exception {
        RootDir root = new RootDir(base.resolve("tftpboot"));
        assertThat(root.served()).isEmpty();

        Files.createDirectories(base.resolve("tftpboot"));
        Files.writeString(base.resolve("tftpboot/a.efi"), "A");

        assertThat(root.served()).isPresent();
        try (var f = root.served().get().open("a.efi")) {
            assertThat(f.size()).isEqualTo(1);
        }
    }

    @Test
    void aFileIsNotARoot() throws Exception {
        Files.writeString(base.resolve("file"), "x");

        assertThat(new RootDir(base.resolve("file")).served()).isEmpty();
    }
}
