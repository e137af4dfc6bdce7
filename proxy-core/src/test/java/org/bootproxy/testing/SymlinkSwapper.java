package org.bootproxy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An attacker with write access to a served tree: on its own thread, swaps a directory back and
 * forth with a symlink to a directory outside the root (each step an atomic rename), as fast as
 * it can, until closed. Writers racing it must never land anything outside the root.
 */
public final class SymlinkSwapper implements AutoCloseable {

    private final Path dir;
    private final Path parked;
    private final Path outside;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger swaps = new AtomicInteger();
    private final Thread thread;

    /**
     * Starts swapping.
     *
     * @param dir the directory to swap (created when missing), e.g. {@code <root>/grub}
     * @param outside where the symlink points
     */
    public SymlinkSwapper(Path dir, Path outside) throws IOException {
        this.dir = dir;
        this.parked = dir.resolveSibling(dir.getFileName() + "-parked");
        this.outside = outside;
        Files.createDirectories(dir);
        this.thread = new Thread(this::run, "symlink-swapper");
        thread.setDaemon(true);
        thread.start();
    }

    /** Complete directory -> symlink -> directory rounds so far. */
    public int swaps() {
        return swaps.get();
    }

    private void run() {
        while (!stop.get()) {
            try {
                recover();
                Files.move(dir, parked, StandardCopyOption.ATOMIC_MOVE);
                Files.createSymbolicLink(dir, outside);
                Thread.onSpinWait();
                Files.delete(dir);
                Files.move(parked, dir, StandardCopyOption.ATOMIC_MOVE);
                swaps.incrementAndGet();
            } catch (IOException e) {
                // a writer created the directory meanwhile: recover and go on swapping
            }
        }
        try {
            recover();
        } catch (IOException e) {
            // left as it is
        }
    }

    /** Puts the parked directory back whatever state a concurrent writer left. */
    private void recover() throws IOException {
        if (!Files.exists(parked, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(dir)) {
            Files.delete(dir);
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(parked, dir, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try (Stream<Path> s = Files.walk(parked)) { // both are directories: drop the parked one
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Stops swapping and leaves a directory (no symlink) in place. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(10_000);
    }
}
