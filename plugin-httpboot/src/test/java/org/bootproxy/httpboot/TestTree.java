package org.bootproxy.httpboot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

/**
 * A served root with known files, next to a canary file outside it whose content must never
 * appear in any answer.
 *
 * <pre>
 * base/canary.txt                  outside the root
 * base/root-evil/canary.txt        outside; shares the root's name as a prefix
 * base/root/BOOT/BOOTX64.EFI       served
 * base/root/grub2/grub.cfg         served
 * base/root/big.img                1 MiB + 123 bytes, served from a mapping
 * base/root/empty                  0 bytes
 * </pre>
 */
public final class TestTree {

    public final Path base;
    public final Path root;
    public final String canary = "CANARY-" + UUID.randomUUID();
    public final byte[] bootx64 = "MZ-fake-efi-binary-\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1);
    public final byte[] big;

    public TestTree() {
        try {
            base = Files.createTempDirectory("httpboot-test");
            root = Files.createDirectory(base.resolve("root"));
            Files.writeString(base.resolve("canary.txt"), canary);
            Files.createDirectories(base.resolve("root-evil"));
            Files.writeString(base.resolve("root-evil/canary.txt"), canary);
            Files.createDirectories(root.resolve("BOOT"));
            Files.write(root.resolve("BOOT/BOOTX64.EFI"), bootx64);
            Files.createDirectories(root.resolve("grub2"));
            Files.writeString(root.resolve("grub2/grub.cfg"), "set timeout=5\n");
            big = new byte[(1 << 20) + 123];
            new Random(42).nextBytes(big);
            Files.write(root.resolve("big.img"), big);
            Files.write(root.resolve("empty"), new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
