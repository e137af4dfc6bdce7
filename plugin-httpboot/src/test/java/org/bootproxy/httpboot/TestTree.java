package org.bootproxy.httpboot;

import org.bootproxy.testing.TestYaml;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.bootproxy.core.BootproxyApplication;
import org.bootproxy.core.BootproxyConfiguration;

/**
 * A served root with known files, next to canary files outside it whose content must never
 * appear in any answer, and the configuration of a full bootproxy serving it.
 *
 * <pre>
 * base/canary.txt                  outside the root
 * base/root-evil/canary.txt        outside; its directory has the root's name as a prefix
 * base/root/BOOT/BOOTX64.EFI       served as /EFI/BOOT/BOOTX64.EFI and /httpboot/BOOT/BOOTX64.EFI
 * base/root/grub2/grub.cfg         served
 * base/root/big.img                1 MiB + 123 bytes: sent from a mapping
 * base/root/empty                  0 bytes
 * base/empty-modules/              the plugin folder of the test app: nothing in it
 * base/bootproxy.yml               http_port 0, httpboot enabled on root_dir base/root
 * </pre>
 */
public final class TestTree {

    public final Path base;
    public final Path root;
    public final Path config;
    public final String canary = "CANARY-" + UUID.randomUUID();
    public final byte[] bootx64 = "MZ-fake-efi-binary-\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1);
    public final byte[] big;

    public TestTree() {
        this("");
    }

    /** @param extraTopLevelYaml more top-level keys for bootproxy.yml (e.g. https_port and ssl_*) */
    public TestTree(String extraTopLevelYaml) {
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
            Path modules = Files.createDirectory(base.resolve("empty-modules"));
            System.setProperty("bootproxy.modules", modules.toString());
            config = base.resolve("bootproxy.yml");
            Files.writeString(config, "http_port: 0\nbind_host: 127.0.0.1\n" + extraTopLevelYaml
                    + "plugins:\n  httpboot:\n    enabled: true\n    root_dir: " + root + "\n"
                    + TestYaml.QUIET_SERVER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A full bootproxy on this tree (register it as a static field with @RegisterExtension or DropwizardExtensionsSupport). */
    public DropwizardAppExtension<BootproxyConfiguration> app() {
        return new DropwizardAppExtension<>(BootproxyApplication.class, config.toString());
    }

    /** Removes the tree. */
    public void delete() throws IOException {
        try (var walk = Files.walk(base)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
