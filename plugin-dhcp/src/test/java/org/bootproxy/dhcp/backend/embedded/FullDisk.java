package org.bootproxy.dhcp.backend.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A 2 MB tmpfs mounted in a temp directory (tests run as root), that a test fills to the last
 * byte and empties again: a real {@code ENOSPC}, not a simulated one. {@link #close()} unmounts.
 */
public final class FullDisk implements AutoCloseable {

    private final Path mount;
    private final Path filler;

    private FullDisk(Path mount) {
        this.mount = mount;
        this.filler = mount.resolve("filler");
    }

    /** Mounts it; null when this machine cannot mount (not root, no tmpfs): the caller skips. */
    public static FullDisk mount() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("bootproxy-fulldisk");
        if (run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.toString()) != 0) {
            Files.delete(dir);
            return null;
        }
        return new FullDisk(dir);
    }

    /** The mounted directory. */
    public Path path() {
        return mount;
    }

    /** Writes a filler file until the file system has no byte left. */
    public void fill() throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        // the last partial block too
        try (OutputStream out = Files.newOutputStream(mount.resolve("filler2"))) {
            for (int i = 0; i < 4096; i++) {
                out.write(0);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
    }

    /** Deletes the filler: the file system takes writes again. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
        Files.deleteIfExists(mount.resolve("filler2"));
    }

    @Override
    public void close() throws Exception {
        if (run("umount", "-l", mount.toString()) == 0) {
            try (Stream<Path> s = Files.walk(mount)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
